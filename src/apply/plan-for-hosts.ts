import {
  containerSpecs,
  environmentName,
  type ContainerSpec,
} from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { tierOrder } from '../environment/tier-order.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { asSeenBy, type ObservedContainer } from '../plan/observed.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan.js';
import { observeHosts } from './observe-hosts.js';

export interface HostsPlan {
  plan: Plan;
  /** Every container the environment asks for. */
  specs: ContainerSpec[];
  /** The ones on a host that was connected and answered: the only ones planned. */
  reachable: Set<ContainerSpec>;
  /** The containers found, as this environment sees them. */
  observed: ObservedContainer[];
  /** Host -> why it could not be observed. */
  unreachable: Map<string, string>;
}

/**
 * Observes every host (one list call each) and plans the environment against what runs there.
 * Containers on a host that is not connected or did not answer are left out of the plan.
 */
export async function planForHosts(
  env: Environment,
  hosts: ReadonlyMap<string, DockerHost>,
): Promise<HostsPlan> {
  const { observed, unreachable } = await observeHosts(hosts.values());
  const specs = containerSpecs(env);
  const reachable = new Set(
    specs.filter((spec) => !unreachable.has(spec.host) && hosts.has(spec.host)),
  );
  const seen = asSeenBy(environmentName(env), observed);
  const plan = planChanges([...reachable], seen, tierOrder(env));
  return { plan, specs, reachable, observed: seen, unreachable };
}
