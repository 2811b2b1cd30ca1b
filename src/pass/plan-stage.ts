import {
  containerSpecs,
  environmentName,
  type ContainerSpec,
} from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { tierOrder } from '../environment/tier-order.js';
import { compareState, type ContainerState } from '../plan/compare-state.js';
import { asSeenBy, type ObservedContainer } from '../plan/observed.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan.js';
import { unreachableHosts, type UnreachableHost } from '../plan/unreachable-host.js';
import type { Observation } from './observe-stage.js';

/** The plan stage's output: what to do, and what it was worked out from. */
export interface Planned {
  plan: Plan;
  /** Every container the environment asks for. */
  specs: ContainerSpec[];
  /** The containers found, as this environment sees them. */
  observed: ObservedContainer[];
  /** Desired against observed, container by container (`unknown` on unreachable hosts). */
  state: ContainerState[];
  /** Hosts that could not be observed, with the containers left out of the plan there. */
  unreachable: UnreachableHost[];
  /** The hosts asked, and when (wall time, ms since the epoch). */
  observedHosts: string[];
  observedAt: number;
}

/**
 * The plan stage (pure): the environment against what the hosts run. Containers on a host that
 * did not answer are reported and left out of the plan, never planned as missing.
 */
export function planStage(env: Environment, observation: Observation): Planned {
  const specs = containerSpecs(env);
  const down = new Set(observation.unreachable.keys());
  const reachable = specs.filter((spec) => !down.has(spec.host));
  const observed = asSeenBy(environmentName(env), observation.observed);
  return {
    plan: planChanges(reachable, observed, tierOrder(env)),
    specs,
    observed,
    state: compareState(specs, observed, down),
    unreachable: unreachableHosts(specs, observation.unreachable),
    observedHosts: observation.hosts,
    observedAt: observation.at,
  };
}
