import { environmentName, type ContainerSpec } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { tierOrder } from '../environment/tier-order.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { compareState, type ContainerState } from '../plan/compare-state.js';
import { asSeenBy } from '../plan/observed.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan.js';
import { unreachableHosts, type UnreachableHost } from '../plan/unreachable-host.js';
import type { AddressedEnvironment } from '../network/address-environment.js';
import type { Allocation } from '../network/allocate-addresses.js';
import type { NetworkLayout } from '../network/network-layout.js';
import type { Lease } from '../render/render-leases.js';
import { planNetwork, planWiring } from '../network/plan-network.js';
import { kickTargets, type ConfiguredBefore } from '../configure/kick-targets.js';
import type { Refresh } from '../configure/refreshed-containers.js';
import { withConfigureSteps, type NotKicked } from '../plan/plan-configure.js';
import type { ClassMap } from '../render/class-map.js';
import type { ClassInputsMap } from '../render/class-inputs.js';
import type { Observation } from './observe-stage.js';

/** What the plan stage needs to plan the agents' kicks. */
export interface ConfigureInput extends ConfiguredBefore {
  renderer: { classes: ClassMap; inputs: ClassInputsMap };
}

/** The plan stage's output: what to do, and what it was worked out from. */
export interface Planned {
  plan: Plan;
  /** Every container the environment asks for, at its address on the environment's network. */
  specs: ContainerSpec[];
  /** The environment's network, when it has one. */
  layout?: NetworkLayout;
  /** Each container's MAC and address, by name, and where they come from (new, ...). */
  addresses: Map<string, Allocation>;
  /** The addresses kept for names that are not in the file (see AddressedEnvironment). */
  leases?: Map<string, Lease>;
  /** Hosts whose network could not be looked at, with the reason. */
  networkProblems: { host: string; message: string }[];
  /** The containers found, as this environment sees them. */
  observed: ObservedContainer[];
  /** Desired against observed, container by container (`unknown` on unreachable hosts). */
  state: ContainerState[];
  /** Hosts that could not be observed, with the containers left out of the plan there. */
  unreachable: UnreachableHost[];
  /** The hosts asked, and when (wall time, ms since the epoch). */
  observedHosts: string[];
  observedAt: number;
  /** The running containers whose configuration changes (their configure steps are planned). */
  refreshed: Refresh[];
  /** Containers due a kick that get none (stopped, or no agent). */
  notKicked: NotKicked[];
}

/**
 * The plan stage (pure): the environment against what the hosts run. Containers on a host that
 * did not answer are reported and left out of the plan, never planned as missing. With
 * `configure`, the agents whose inputs change since the environment they were given are kicked
 * by configure steps.
 */
export function planStage(
  env: Environment,
  addressed: AddressedEnvironment,
  observation: Observation,
  configure?: ConfigureInput,
  /** Containers whose replacement is held (rolled back at this head): not replaced. */
  held?: ReadonlySet<string>,
): Planned {
  const { specs, layout, addresses, leases } = addressed;
  const down = new Set(observation.unreachable.keys());
  const reachable = specs.filter((spec) => !down.has(spec.host));
  const observed = asSeenBy(environmentName(env), observation.observed);
  const order = tierOrder(env);
  let plan = planChanges(reachable, observed, order, held === undefined ? {} : { held });
  if (layout !== undefined) {
    const blind = new Set([...down, ...observation.networkProblems.keys()]);
    const containersOn = (host: string) =>
      reachable.filter((spec) => spec.host === host).map((spec) => spec.name);
    plan.hostSteps = planNetwork(layout, observation.networks, blind, containersOn);
    if (layout.driver === 'ovs') {
      planWiring(plan, reachable, observed, observation.networks, order);
    }
  }
  let refreshed: Refresh[] = [];
  let notKicked: NotKicked[] = [];
  if (configure !== undefined) {
    const kicks = kickTargets(configure, env, plan, configure.renderer);
    refreshed = kicks.refreshed;
    ({ plan, notKicked } = withConfigureSteps(plan, kicks.targets, specs, observed, order));
  }
  return {
    plan,
    refreshed,
    notKicked,
    specs,
    ...(layout === undefined ? {} : { layout }),
    addresses,
    ...(leases === undefined ? {} : { leases }),
    networkProblems: [...observation.networkProblems].map(([host, message]) => ({ host, message })),
    observed,
    state: compareState(specs, observed, down),
    unreachable: unreachableHosts(specs, observation.unreachable),
    observedHosts: observation.hosts,
    observedAt: observation.at,
  };
}
