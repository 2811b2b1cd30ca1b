import type { ContainerSpec } from '../environment/container-spec.js';
import { compareText } from '../util/compare-text.js';

/**
 * The `registered_services` section for the given containers: each service -> the names of its
 * running containers, sorted. `services` adds services that should appear even with no running
 * container (as `[]`, like the seed lists every service).
 */
export function registeredServices(
  specs: readonly Pick<ContainerSpec, 'name' | 'service' | 'state'>[],
  services: Iterable<string> = [],
): Record<string, string[]> {
  const registered = new Map<string, string[]>([...services].map((s) => [s, []]));
  for (const spec of specs) {
    const names = registered.get(spec.service) ?? [];
    if (spec.state === 'running') names.push(spec.name);
    registered.set(spec.service, names);
  }
  return Object.fromEntries(
    [...registered]
      .sort(([a], [b]) => compareText(a, b))
      .map(([service, names]) => [service, names.sort(compareText)]),
  );
}
