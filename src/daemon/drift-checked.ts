import type { PassResult } from '../pass/pass-result.js';
import type { ContainerState } from '../plan/compare-state.js';
import { planSteps } from '../plan/plan.js';
import { hostsSeen, stillFailing, type DaemonState, type DriftItem } from './daemon-state.js';
import { rolledBackAfter } from './rolled-back.js';

/**
 * The state after a drift check: a pass from the applied environment, up to plan (report only)
 * or apply (repair), with no commit. `items` are the differences found; the ones new since the
 * last check are returned to be logged and counted once.
 */
export function driftChecked(
  state: DaemonState,
  result: PassResult,
  at: string,
): { state: DaemonState; found: DriftItem[] } {
  if (result.stage === 'load') return { state, found: [] };
  const items: DriftItem[] = planSteps(result.planned.plan).map((step) => ({
    host: step.host,
    container: step.name,
    action: step.action,
    reason: step.reason,
  }));
  const key = (item: DriftItem) => `${item.host}\u0000${item.container}\u0000${item.action}`;
  const before = new Set((state.drift?.items ?? []).map(key));
  const found = items.filter((item) => !before.has(key(item)));
  const steps =
    result.stage === 'apply'
      ? result.reconciliation.result.steps.filter((step) => step.action !== 'conflict')
      : [];
  const failed = steps.filter((step) => step.outcome === 'failed').length;
  const unreachable = result.planned.unreachable;
  const problem =
    unreachable.length > 0
      ? `unreachable: ${unreachable.map((u) => u.host).join(', ')}`
      : failed > 0
        ? `${String(failed)} repair(s) failed`
        : null;
  const containers = result.stage === 'apply' ? result.state : result.planned.state;
  // A member rolled back to its old container is reported as such, not as a failed repair.
  const failures = steps
    .filter((step) => step.outcome === 'failed' && step.rolledBack === undefined)
    .map((step) => ({ host: step.host, container: step.name, error: step.error ?? 'failed', at }));
  const where = (f: { host: string; container: string }) => `${f.host}\u0000${f.container}`;
  const fresh = new Set(failures.map(where));
  return {
    state: {
      ...state,
      hosts: hostsSeen(state.hosts, result.planned),
      containers,
      unreachable,
      repairFailures: stillFailing(
        [...state.repairFailures.filter((f) => !fresh.has(where(f))), ...failures],
        containers,
      ),
      ...(result.stage === 'apply'
        ? {
            rolledBack: rolledBackAfter(
              state.rolledBack,
              result,
              state.lastApplied?.commit ?? '',
              at,
            ),
          }
        : {}),
      drift:
        items.length === 0 && problem === null
          ? null
          : { at, items, repaired: steps.length - failed, failed, problem },
    },
    found,
  };
}

/**
 * The state after a look at the hosts while a pass runs (its repair may wait minutes for a
 * container to be healthy): what runs, and when each host was seen; nothing else changes.
 */
export function observedMeanwhile(
  state: DaemonState,
  planned: {
    state: ContainerState[];
    observedHosts: string[];
    observedAt: number;
    unreachable: { host: string; error: string }[];
  },
): DaemonState {
  return {
    ...state,
    hosts: hostsSeen(state.hosts, planned),
    containers: planned.state,
    repairFailures: stillFailing(state.repairFailures, planned.state),
  };
}
