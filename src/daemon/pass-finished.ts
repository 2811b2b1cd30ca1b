import type { IgnoredRecord } from '../pass/bot-records.js';
import type { CommitRecord } from '../pass/commit-record.js';
import type { PassResult } from '../pass/pass-result.js';
import {
  hostsSeen,
  KEPT_COMMITS,
  stillFailing,
  type DaemonState,
  type PassOutcome,
  type PassTiming,
} from './daemon-state.js';
import { rolledBackAfter, rolledBackProblem } from './rolled-back.js';

/**
 * The state after a pass ran to its end, the outcome, the commits it saw for the first time, and
 * the commits with the bot's trailers it newly did not take for its records.
 */
export function passFinished(
  state: DaemonState,
  result: PassResult,
  timing: PassTiming,
): { state: DaemonState; outcome: PassOutcome; fresh: CommitRecord[]; ignored: IgnoredRecord[] } {
  const seen = result.git?.commits ?? [];
  const known = new Set(state.commits.map((c) => c.sha));
  const fresh = seen.filter((c) => !known.has(c.sha));
  const warned = new Set(state.ignoredRecords.map((r) => r.commit));
  const ignored = (result.git?.ignored ?? []).filter((r) => !warned.has(r.commit));
  const base: DaemonState = {
    ...state,
    hosts: result.stage === 'load' ? state.hosts : hostsSeen(state.hosts, result.planned),
    head:
      result.stage === 'apply'
        ? (result.recorded ?? result.git?.head ?? null)
        : (result.git?.head ?? null),
    commits: [...state.commits, ...fresh].slice(-KEPT_COMMITS),
    ignoredRecords: result.git?.ignored ?? [],
  };
  if (result.stage === 'load') {
    const outcome = 'invalid';
    return {
      state: {
        ...base,
        invalid: result.problems,
        degraded: null,
        failures: 0,
        lastPass: { ...timing, outcome },
      },
      outcome,
      fresh,
      ignored,
    };
  }
  if (result.stage !== 'apply') {
    return { state: base, outcome: 'converged', fresh, ignored };
  }
  const { reconciliation } = result;
  const converged = reconciliation.result.converged;
  const failedSteps = reconciliation.result.steps.filter((s) => s.outcome === 'failed').length;
  const applied = result.git?.applied ?? result.file;
  const unreachable = reconciliation.unreachable;
  // A failed kick leaves an agent with an old configuration: the pass is tried again, with backoff.
  const kickFailed = result.configured.kicked.filter((k) => k.outcome === 'failed');
  const done = converged && kickFailed.length === 0;
  const outcome: PassOutcome = done ? 'converged' : 'failed';
  const rolledBack = rolledBackAfter(state.rolledBack, result, applied, timing.at);
  const lastApplied =
    state.lastApplied?.commit === applied && state.lastApplied.converged === converged
      ? state.lastApplied
      : { commit: applied, at: timing.at, converged };
  return {
    state: {
      ...base,
      invalid: null,
      containers: result.state,
      unreachable,
      lastApplied,
      lastWriteBack: result.recorded ?? state.lastWriteBack,
      lastConfigured:
        result.configured.kicked.length > 0 || state.lastConfigured?.commit !== applied
          ? { commit: applied, at: timing.at, kicked: result.configured.kicked }
          : state.lastConfigured,
      degraded: done
        ? null
        : unreachable.length > 0
          ? `unreachable: ${unreachable.map((u) => u.host).join(', ')}`
          : rolledBack.length > 0
            ? rolledBackProblem(rolledBack)
            : failedSteps > 0
              ? `${failedSteps} step(s) failed`
              : `Puppet agent kick(s) failed: ${kickFailed.map((k) => k.name).join(', ')}`,
      failures: done ? 0 : state.failures + 1,
      lastPass: { ...timing, outcome },
      // A commit's pass observed the hosts afresh: what a drift check found before is old news.
      drift: null,
      repairFailures: stillFailing(state.repairFailures, result.state),
      rolledBack,
    },
    outcome,
    fresh,
    ignored,
  };
}
