import type { ContainerSpec } from '../environment/container-spec.js';

/**
 * What reconciling the hosts with the environment takes, as a plain value: printed by `dockstack
 * plan`, shown on pull requests as JSON or text, and executed step by step by the apply engine.
 */
export interface Plan {
  /**
   * Removals first, one group per tier in reverse order (containers whose service is outside the
   * order before all others), then the deploy groups in tier order. Empty groups are left out.
   */
  tiers: PlanTier[];
}

export interface PlanTier {
  phase: 'remove' | 'deploy';
  /** Index of the service in the tier order (0 = first to start); null outside the order. */
  tier: number | null;
  /** The tier's service; null for the group of services outside the order. */
  service: string | null;
  /** Sorted by host, then container name. */
  steps: Step[];
}

export type Step = CreateStep | RecreateStep | StartStep | StopStep | RemoveStep | ConflictStep;

export type StepAction = Step['action'];

/**
 * Create the container. The engine may create the containers of later tiers ahead of time, but
 * starts them (when `start`) only once the tiers before are up.
 */
export interface CreateStep {
  action: 'create';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  start: boolean;
  /** The host it is removed from in this plan's remove phase, when it moves. */
  movedFrom?: string;
  reason: string;
}

/** Remove the existing container `id` and create it again from `spec`, on the same host. */
export interface RecreateStep {
  action: 'recreate';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  id: string;
  start: boolean;
  reason: string;
}

export interface StartStep {
  action: 'start';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  id: string;
  reason: string;
}

export interface StopStep {
  action: 'stop';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  id: string;
  reason: string;
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
  reason: string;
}

/** A container dockstack does not manage holds the name on the host: it is never touched. */
export interface ConflictStep {
  action: 'conflict';
  host: string;
  name: string;
  service: string;
  spec: ContainerSpec;
  /** The foreign container holding the name. */
  id: string;
  reason: string;
}

/** Every step of the plan, in the order the plan lists them. */
export function planSteps(plan: Plan): Step[] {
  return plan.tiers.flatMap((tier) => tier.steps);
}

/** True when the hosts already match the environment: nothing to do and nothing blocked. */
export function isEmpty(plan: Plan): boolean {
  return plan.tiers.every((tier) => tier.steps.length === 0);
}
