import type { Kick } from '../configure/kick-agents.js';
import type { Problem } from '../environment/problem.js';
import type { IgnoredRecord } from '../pass/bot-records.js';
import type { CommitRecord } from '../pass/commit-record.js';
import type { ContainerState } from '../plan/compare-state.js';
import type { UnreachableHost } from '../plan/unreachable-host.js';
import type { PendingEdit } from './watch-working-copy.js';
import { rolledBackProblem, type RolledBackMember } from './rolled-back.js';

export type PassOutcome = 'converged' | 'failed' | 'invalid' | 'error';

/**
 * What the daemon knows, as /api/status shows it. Changed only by reducers: those here, passFinished,
 * driftChecked, observedMeanwhile and the pull request plans' (pull-plans.ts).
 */
export interface DaemonState {
  /** The branch's head as the last pass left it (the bot's commit, when it made one). */
  head: string | null;
  lastPass: { at: string; durationMs: number; outcome: PassOutcome } | null;
  lastApplied: { commit: string; at: string; converged: boolean } | null;
  /** Why the daemon is not ready; null when it is. */
  degraded: string | null;
  /** The problems of the head's environment, when it is invalid. */
  invalid: Problem[] | null;
  /** The newest commits seen, oldest first. */
  commits: CommitRecord[];
  /**
   * Commits with the bot's trailers that the last pass did not take for its records (not the
   * bot's own, or naming a commit off the branch), and why: each a warning.
   */
  ignoredRecords: IgnoredRecord[];
  containers: ContainerState[];
  unreachable: UnreachableHost[];
  lastWriteBack: string | null;
  /**
   * The commit whose configuration the agents were last given, and the last agents kicked
   * (`puppet agent --test`) with how each run ended.
   */
  lastConfigured: { commit: string; at: string; kicked: Kick[] } | null;
  /** Passes failed in a row: the backoff grows with it. */
  failures: number;
  /** The plan of an uncommitted edit of a working copy. */
  pendingEdit: PendingEdit | null;
  /** Each host: when it was last observed, and whether it answered. */
  hosts: Record<string, HostSeen>;
  /**
   * What differs from the environment on the hosts as last observed between commits (a container
   * removed, stopped or changed by hand, a foreign one on a managed name), and what was repaired.
   */
  drift: DriftState | null;
  /**
   * Repairs that failed, each kept until its container is found ok (running, and healthy where
   * its image has a check): the hosts are not as the environment says until then.
   */
  repairFailures: RepairFailure[];
  /**
   * Members whose replacement was rolled back at the applied commit (they run their old
   * containers), kept while they are held: until the branch moves on or a retry.
   */
  rolledBack: RolledBackMember[];
  /** The plans of the open pull requests into the branch, newest first, as planned since start. */
  pulls: PullPlan[];
  /**
   * Pull requests closed since start and not opened again, newest last: a plan that was under way
   * when one closed is not shown. Not part of the status.
   */
  closedPulls: number[];
}

/** The plan of one open pull request: what merging it would do, or why it cannot be planned. */
export interface PullPlan {
  number: number;
  headSha: string;
  at: string;
  outcome: 'planned' | 'invalid' | 'error';
  /** The plan as `dockstack plan` prints it. */
  plan?: string;
  problems?: Problem[];
  error?: string;
}

export interface HostSeen {
  lastObserved: string;
  reachable: boolean;
  error?: string;
}

/** One difference between the hosts and the environment, found between commits. */
export interface DriftItem {
  host: string;
  container: string;
  /** What it calls for: create (missing), start, stop, recreate (changed), remove, conflict. */
  action: string;
  reason: string;
}

/** A repair between commits that did not make its container ok, and why. */
export interface RepairFailure {
  host: string;
  container: string;
  error: string;
  at: string;
}

export interface DriftState {
  at: string;
  items: DriftItem[];
  /** Repairs done and failed at that time (none when repair is off). */
  repaired: number;
  failed: number;
  /** Why the hosts are not as the environment says after it (unreachable, repairs failed). */
  problem: string | null;
}

/** How many commits the state keeps. */
export const KEPT_COMMITS = 50;

export const INITIAL_STATE: DaemonState = {
  head: null,
  lastPass: null,
  lastApplied: null,
  degraded: 'starting',
  invalid: null,
  commits: [],
  ignoredRecords: [],
  containers: [],
  unreachable: [],
  lastWriteBack: null,
  lastConfigured: null,
  failures: 0,
  pendingEdit: null,
  hosts: {},
  drift: null,
  repairFailures: [],
  rolledBack: [],
  pulls: [],
  closedPulls: [],
};

/** When and how long. */
export interface PassTiming {
  /** ISO 8601 wall time of the pass's end. */
  at: string;
  durationMs: number;
}

/**
 * Why the daemon is not ready: the last commit's pass, else the last drift check, else a repair
 * that failed and whose container is still not ok, else a container whose health check fails.
 */
export function notReady(state: DaemonState): string | null {
  return (
    state.degraded ??
    rolledBackProblem(state.rolledBack) ??
    state.drift?.problem ??
    repairProblem(state.repairFailures) ??
    healthProblem(state.containers)
  );
}

function repairProblem(failures: readonly RepairFailure[]): string | null {
  const [first, ...rest] = failures;
  if (first === undefined) return null;
  const more = rest.length === 0 ? '' : ` (and ${String(rest.length)} more)`;
  return `the repair of ${first.container} on ${first.host} failed: ${first.error}${more}`;
}

function healthProblem(containers: readonly ContainerState[]): string | null {
  const unhealthy = containers.filter((c) => c.observed === 'running' && c.health === 'unhealthy');
  if (unhealthy.length === 0) return null;
  return `unhealthy: ${unhealthy.map((c) => c.name).join(', ')}`;
}

/** The failures whose container is not ok in `containers` (a container not seen stays failed). */
export function stillFailing(
  failures: readonly RepairFailure[],
  containers: readonly ContainerState[],
): RepairFailure[] {
  const ok = new Set(containers.filter((c) => c.ok).map((c) => `${c.host}\u0000${c.name}`));
  return failures.filter((f) => !ok.has(`${f.host}\u0000${f.container}`));
}

/** Each host the pass observed: when, and whether it answered. */
export function hostsSeen(
  hosts: Record<string, HostSeen>,
  planned: {
    observedHosts: string[];
    observedAt: number;
    unreachable: { host: string; error: string }[];
  },
): Record<string, HostSeen> {
  const lastObserved = new Date(planned.observedAt).toISOString();
  const next = { ...hosts };
  for (const host of planned.observedHosts) {
    const down = planned.unreachable.find((u) => u.host === host);
    next[host] =
      down === undefined
        ? { lastObserved, reachable: true }
        : { lastObserved, reachable: false, error: down.error };
  }
  return next;
}

/** The state after a pass (or a poll) failed before its end: degraded, with the reason. */
export function passFailed(state: DaemonState, reason: string, timing?: PassTiming): DaemonState {
  return {
    ...state,
    degraded: reason,
    failures: state.failures + 1,
    ...(timing === undefined ? {} : { lastPass: { ...timing, outcome: 'error' as const } }),
  };
}

/** The state with a working copy's uncommitted edit (null: the file is as committed). */
export function editSeen(state: DaemonState, edit: PendingEdit | null): DaemonState {
  return { ...state, pendingEdit: edit };
}
