import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../plan/observed.js';

export interface Observation {
  /** Every container on the hosts that answered. */
  observed: ObservedContainer[];
  /** Hosts that did not answer, with the reason. */
  unreachable: Map<string, string>;
}

/** One list call per host, all hosts at once; a host that fails is reported, not thrown. */
export async function observeHosts(hosts: Iterable<DockerHost>): Promise<Observation> {
  const observation: Observation = { observed: [], unreachable: new Map() };
  const lists = [...hosts].map(async (host) => {
    try {
      observation.observed.push(...(await host.listContainers()));
    } catch (error) {
      observation.unreachable.set(
        host.name,
        error instanceof Error ? error.message : String(error),
      );
    }
  });
  await Promise.all(lists);
  return observation;
}
