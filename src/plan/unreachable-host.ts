import type { ContainerSpec } from '../environment/container-spec.js';
import { compareText } from '../util/compare-text.js';

/** A Docker host that could not be observed, and the containers left as they are there. */
export interface UnreachableHost {
  host: string;
  error: string;
  /** The containers the environment puts there: reported, never planned. */
  containers: string[];
}

/** The hosts that did not answer, each with the containers `specs` puts there, sorted by host. */
export function unreachableHosts(
  specs: readonly Pick<ContainerSpec, 'host' | 'name'>[],
  unreachable: ReadonlyMap<string, string>,
): UnreachableHost[] {
  const hosts = new Map<string, UnreachableHost>();
  for (const [host, error] of unreachable) hosts.set(host, { host, error, containers: [] });
  for (const spec of specs) hosts.get(spec.host)?.containers.push(spec.name);
  return [...hosts.values()].sort((a, b) => compareText(a.host, b.host));
}
