import type { ContainerSpec } from '../environment/container-spec.js';

/**
 * What a created container will mount, as the plan says it: a named volume it finds (`kept`: the
 * data of the container it replaces, or of one of its name before) or makes (`new`), or a folder of
 * its host.
 */
export type PlannedMount =
  | { type: 'volume'; name: string; target: string; state: 'kept' | 'new' }
  | { type: 'bind'; source: string; target: string };

/** The mounts of a created container, as far as the hosts tell before the apply. */
export interface PlannedVolumes {
  mounts: PlannedMount[];
  /**
   * True when the host does not have the image yet: the data folders it declares are known once
   * it is pulled, and get named volumes then.
   */
  imageUnknown?: true;
}

/**
 * What reconciling the hosts with the environment takes, as a plain value: printed by `dockstack
 * plan`, shown on pull requests as JSON or text, and executed step by step by the apply engine.
 */
export interface Plan {
  /**
   * Work on the hosts themselves (a network, a tunnel to another host), done after the removals
   * and before the first deploy tier. Sorted by host, then action and name.
   */
  hostSteps: HostStep[];
  /**
   * Removals first, one group per tier in reverse order (containers whose service is outside the
   * order before all others), then the deploy groups in tier order, then the configure groups
   * (agents kicked once every tier is up) in tier order. Empty groups are left out.
   */
  tiers: PlanTier[];
  /**
   * Running members whose replacement was rolled back while the branch stood where it stands:
   * left as they run (their old containers) until a new commit or a retry. Absent when none.
   */
  held?: string[];
}

export interface PlanTier {
  phase: 'remove' | 'deploy' | 'configure';
  /** Index of the service in the tier order (0 = first to start); null outside the order. */
  tier: number | null;
  /** The tier's service; null for the group of services outside the order. */
  service: string | null;
  /** Sorted by host, then container name, then phase. */
  steps: Step[];
}

/**
 * The phases a container goes through in its tier, in this order: removed (in a removal tier, or
 * the old container of a recreate); created; started (or stopped); attached to the environment's
 * network where that needs a running container (its network namespace exists once it runs);
 * ready (running, and healthy where its image has a health check); configured. A tier counts as
 * up once each of its containers has been through every phase its steps take.
 */
export const CONTAINER_PHASES = [
  'remove',
  'create',
  'start',
  'attach',
  'ready',
  'configure',
] as const;

export type ContainerPhase = (typeof CONTAINER_PHASES)[number];

export type Step =
  | CreateStep
  | RecreateStep
  | RestoreStep
  | StartStep
  | StopStep
  | RemoveStep
  | ConflictStep
  | AttachStep
  | ConfigureStep;

export type StepAction = Step['action'];

/** What every step on a container of the environment names: where, which, from what, and why. */
export interface ContainerStepHead {
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  reason: string;
}

/** A step on a container that is on the host: `id`. */
export interface ExistingContainerStep extends ContainerStepHead {
  id: string;
}

/**
 * Create the container. The engine may create the containers of later tiers ahead of time, but
 * starts them (when `start`) only once the tiers before are up.
 */
export interface CreateStep extends ContainerStepHead {
  action: 'create';
  start: boolean;
  /** The host it is removed from in this plan's remove phase, when it moves. */
  movedFrom?: string;
  volumes?: PlannedVolumes;
}

/**
 * Replace the existing container `id` by one created from `spec`, on the same host. A running
 * container is replaced as a small transaction (`keepOld`): it is stopped and renamed aside, the
 * new one is created, started and waited for; once it is ready the old one is removed, and if it
 * is not (it exits, restarts, or is not healthy in time) it is removed and the old one comes back
 * under its name, the same container with its data. Members of a service are replaced one wave
 * after another (`wave`, from 0), each ready before the next starts.
 */
export interface RecreateStep extends ExistingContainerStep {
  action: 'recreate';
  start: boolean;
  /** The old container is kept aside until the new one is ready (it runs and is to run). */
  keepOld?: true;
  /** Its place in the service's rolling replacement: every member of wave n is ready first. */
  wave?: number;
  /**
   * A replacement a crash interrupted: `id` is the new container, `aside` the old one; the new
   * one is waited for, then the old one removed, or the new one removed and the old one back.
   */
  aside?: string;
  volumes?: PlannedVolumes;
}

/**
 * Bring the old container of an interrupted replacement back: there is no container under its
 * name, so the one renamed aside (`id`) takes it again, and starts when it is to run.
 */
export interface RestoreStep extends ExistingContainerStep {
  action: 'restore';
  start: boolean;
}

export interface StartStep extends ExistingContainerStep {
  action: 'start';
}

export interface StopStep extends ExistingContainerStep {
  action: 'stop';
}

/** Remove a container dockstack manages (stopping it first when running). */
export interface RemoveStep {
  action: 'remove';
  host: string;
  /** Its name in the environment (its container label). */
  name: string;
  /** Its service label, when it has one. */
  service?: string;
  id: string;
  running: boolean;
  /** Docker's name for it, when that differs from `name` (a duplicate or a leftover). */
  dockerName?: string;
  /** The host it is created on in this plan's deploy phase, when it moves. */
  movedTo?: string;
  /** The named volumes of the container, left on the host (`dockstack volumes prune` removes them). */
  keeps?: string[];
  reason: string;
}

/** A container dockstack does not manage (`id`) holds the name on the host: it is never touched. */
export interface ConflictStep extends ExistingContainerStep {
  action: 'conflict';
}

/**
 * Join a running container to the environment's network with its address and MAC: a container
 * that lost its network or whose address drifted, or one the network driver wires only once it
 * runs.
 */
export interface AttachStep {
  action: 'attach';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  /** The container, when it exists before the plan runs; else the one this tier creates. */
  id?: string;
  reason: string;
}

/**
 * Run the Puppet agent of a running container (`puppet agent --test`): the manifest data its
 * classes read changed (`reasons`). In its own service's deploy tier when the members of its own
 * service changed (the peers of a cluster take a new member while it starts: a ZooKeeper ensemble
 * cannot serve it before), else in the configure tiers after every deploy tier.
 */
export interface ConfigureStep {
  action: 'configure';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  id?: string;
  /** Why, one entry per input that changed (never a secret's value). */
  reasons: string[];
  reason: string;
}

export type HostStep = NetworkStep | SwitchStep | TunnelStep;

export type HostAction = HostStep['action'];

/**
 * Make sure the environment's Docker network is on the host as the environment describes it
 * (subnet, gateway, MTU, bridge name, labelled as dockstack's).
 */
export interface NetworkStep {
  action: 'network';
  host: string;
  /** The environment it belongs to (its label). */
  environment: string;
  /** The Docker network's name on the host. */
  name: string;
  subnet: string;
  gateway: string;
  mtu: number;
  /** The Linux bridge behind it. */
  bridge: string;
  /**
   * True on every host but the one that holds the gateway address: the subnet is on every host,
   * and only one bridge may answer for the gateway.
   */
  inhibitGateway: boolean;
  /** The id of a network of that name with other settings, removed first. */
  replaces?: string;
  reason: string;
}

/**
 * Make sure the host runs Open vSwitch (the `ovs` driver) with the environment's bridge: the
 * switch container started (made when missing), the bridge there with the network's MTU, the
 * gateway address on it on the one host that holds it, and no port left of a container gone.
 */
export interface SwitchStep {
  action: 'switch';
  host: string;
  environment: string;
  /** The bridge's name. */
  name: string;
  mtu: number;
  /** `IP/PREFIX` on the bridge's own port, on the host that holds the gateway. */
  gateway?: string;
  /** Ports of the environment's containers no longer on this host, removed. */
  stalePorts: string[];
  reason: string;
}

/**
 * Make sure the host's bridge is linked to the other hosts' bridges: one VXLAN device on the
 * bridge (one VNI per environment) that floods to every peer, so all containers share one segment.
 */
export interface TunnelStep {
  action: 'tunnel';
  host: string;
  /** The VXLAN device's name on the host. */
  name: string;
  /** The other hosts, by name in the environment and tunnel address. */
  peers: { host: string; address: string }[];
  /** This host's tunnel address. */
  local: string;
  vni: number;
  bridge: string;
  mtu: number;
  /** `ovs`: the bridge is the environment's Open vSwitch bridge, made in the switch container. */
  driver?: 'ovs';
  /** A device of the same VNI removed first: the other driver's, left by a move between them. */
  retire?: string;
  reason: string;
}

/** Every container step of the plan, in the order the plan lists them. */
export function planSteps(plan: Plan): Step[] {
  return plan.tiers.flatMap((tier) => tier.steps);
}

/** True when the hosts already match the environment: nothing to do and nothing blocked. */
export function isEmpty(plan: Plan): boolean {
  return plan.hostSteps.length === 0 && plan.tiers.every((tier) => tier.steps.length === 0);
}

/** The empty plan. */
export function emptyPlan(): Plan {
  return { hostSteps: [], tiers: [] };
}

/** The containers the plan starts: created, recreated or restored to run, or started. */
export function containersStarted(plan: Plan): Set<string> {
  return new Set(
    planSteps(plan)
      .filter(
        (s) =>
          s.action === 'start' ||
          ((s.action === 'create' || s.action === 'recreate' || s.action === 'restore') && s.start),
      )
      .map((s) => s.name),
  );
}
