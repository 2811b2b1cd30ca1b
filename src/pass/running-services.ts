import type { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { isManaged, managedName, serviceOf } from '../plan/observed.js';
import { registeredServices } from '../render/registered-services.js';

/**
 * `registered_services` as it should read now: per service, the containers of this environment that
 * run, as observed. A host that could not be observed keeps what the file said of its containers,
 * since nothing is known to have changed there.
 */
export function runningServices(
  env: Environment,
  observed: readonly ObservedContainer[],
  unreachableHosts: ReadonlySet<string>,
): Record<string, string[]> {
  const running = observed
    .filter((c) => isManaged(c) && c.running && serviceOf(c) !== undefined)
    .map((c) => ({ name: managedName(c), service: serviceOf(c) ?? '', state: 'running' as const }));

  const hostOf = new Map<string, string>();
  for (const containers of Object.values(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) hostOf.set(name, c.host);
  }
  const kept = Object.entries(env.registered_services ?? {}).flatMap(([service, names]) =>
    (names ?? [])
      .filter((name) => unreachableHosts.has(hostOf.get(name) ?? ''))
      .map((name) => ({ name, service, state: 'running' as const })),
  );
  const services = [...Object.keys(env.services), ...Object.keys(env.registered_services ?? {})];
  const seen = new Set<string>();
  const unique = [...running, ...kept].filter((c) => !seen.has(c.name) && seen.add(c.name));
  return registeredServices(unique, services);
}
