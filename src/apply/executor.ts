import type { ContainerSpec } from '../environment/container-spec.js';
import type { DockerHost, ImageFacts } from '../hosts/docker-host.js';
import type { ContainerPhase, HostAction, HostStep, Step, StepAction } from '../plan/plan.js';
import type { Clock } from '../util/clock.js';

/**
 * Work around a container's start that the apply engine leaves to a part that knows it: an agent
 * that lost its certificate is forgotten by its certificate authority before it starts
 * (configure/agent-identity.ts); a cluster none of whose members runs is bootstrapped while its
 * members wait to be ready (configure/cluster-bootstrap.ts); a member behind a balancer is taken
 * out of rotation while it is replaced (configure/balancer-drain.ts).
 */
export interface ContainerHook {
  /** Before a container starts (created by the plan, or found stopped). */
  beforeStart?(host: DockerHost, id: string, spec: ContainerSpec, image: ImageFacts): Promise<void>;
  /** While a started container is not ready yet, at each look; it paces itself. */
  whileStarting?(spec: ContainerSpec, image: ImageFacts): Promise<void>;
  /** Before a running container is stopped to be replaced (its balancers drain it). */
  beforeReplace?(spec: ContainerSpec): Promise<void>;
  /**
   * Once a container is back under its name after a replacement (its balancers take it back):
   * the new one, ready (`replaced`), or the old one brought back, not waited for (the rollout
   * stops there).
   */
  afterReplace?(spec: ContainerSpec, replaced: boolean): Promise<void>;
}

/** What every executor may use while it works. */
export interface ExecutorContext {
  /** The connection to a host named in the plan; throws a HostError when there is none. */
  host(name: string): DockerHost;
  clock: Clock;
  /**
   * Makes the image available on the host (pulled when missing), once per host and image; what
   * the image declares.
   */
  ensureImage(host: string, image: string): Promise<ImageFacts>;
  /** How long a started container may take to run, and to be healthy where it has a check. */
  readyTimeoutMs: number;
  /**
   * How long a replacement without a health check must run, not restarted, to count as ready
   * (its old container is removed then).
   */
  settleMs: number;
  pollMs: number;
  hooks: readonly ContainerHook[];
}

/**
 * One container's run through its tier: the steps of the same container share it, so the id a
 * create gives is what a later attach or configure works on.
 */
export interface ContainerRun {
  /** The container's id on its host, once known. */
  id?: string;
  /** The container it replaces, stopped and renamed aside until the new one is ready. */
  old?: string;
  /** True once the hooks were told that the running container is about to be replaced. */
  replacing?: true;
}

/** What an executor's undo did: the old container runs again, the new one is gone. */
export interface RolledBack {
  /** The last lines of the new container's output, for the report. */
  lastLines: string;
}

/** The work of one phase of a step. */
export type PhaseHook<S> = (step: S, run: ContainerRun, context: ExecutorContext) => Promise<void>;

/**
 * How the apply engine carries out the steps of one action: the work it does in each phase of the
 * container (see CONTAINER_PHASES). Phases a step takes no part in are left out.
 */
export interface StepExecutor<S extends Step> {
  /** True when its create phase may run while the tier before is still starting. */
  ahead?: boolean;
  phases: Partial<Record<ContainerPhase, PhaseHook<S>>>;
  /** Once every phase of the step succeeded (the old container of a replacement goes). */
  done?: PhaseHook<S>;
  /**
   * Once a phase of the step failed: puts back what the step changed (the old container of a
   * replacement comes back); says what it did, or undefined when there was nothing to put back.
   */
  undo?: (step: S, run: ContainerRun, context: ExecutorContext) => Promise<RolledBack | undefined>;
}

/** How the apply engine carries out a host-level step. */
export type HostExecutor<S extends HostStep> = (step: S, context: ExecutorContext) => Promise<void>;

/** Executors keyed by the step's action. */
export type Executors = {
  [A in StepAction]: StepExecutor<Extract<Step, { action: A }>>;
} & {
  [A in HostAction]: HostExecutor<Extract<HostStep, { action: A }>>;
};
