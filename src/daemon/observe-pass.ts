import type { IgnoredRecord } from '../pass/bot-records.js';
import type { CommitRecord } from '../pass/commit-record.js';
import type { PassResult } from '../pass/pass-result.js';
import type { ContainerState } from '../plan/compare-state.js';
import type { Clock } from '../util/clock.js';
import { ExternalError } from '../util/external-error.js';
import type { Log } from '../util/log.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import type { DriftItem } from './daemon-state.js';

/** What a finished commit pass showed, for its logs and metrics. */
export interface SeenPass {
  result: PassResult;
  /** The commits seen for the first time. */
  fresh: readonly CommitRecord[];
  /** The commits with the bot's trailers newly not taken for its records. */
  ignored: readonly IgnoredRecord[];
  /** The commit applied now, and whether it changed with this pass. */
  lastApplied: string | undefined;
  appliedChanged: boolean;
}

/** The logs and metrics of a finished commit pass (see observeDrift for drift checks). */
export function observePass(
  { log, metrics, clock }: { log: Log; metrics: DaemonMetrics; clock: Clock },
  { result, fresh, ignored, lastApplied, appliedChanged }: SeenPass,
): void {
  for (const record of ignored) {
    log.warn({ ...record }, "a commit with dockstack's trailers that is not its record: ignored");
  }
  for (const commit of fresh) {
    if (commit.valid)
      log.info({ commit: commit.sha, author: commit.author, delta: commit.delta }, 'commit');
    else {
      metrics.invalidCommits.inc();
      log.warn(
        { commit: commit.sha, author: commit.author, problems: commit.problems },
        'commit with an invalid environment: it applies nothing',
      );
    }
  }
  if (result.stage === 'load') {
    metrics.errors.inc({ kind: 'invalid' });
    log.warn(
      { head: result.git?.head, problems: result.problems },
      'the environment at the head is invalid: nothing applied, the hosts stay as they are',
    );
    return;
  }
  if (result.stage !== 'apply') return;
  const { reconciliation } = result;
  if (appliedChanged) {
    metrics.lastAppliedCommit.reset();
    metrics.lastAppliedCommit.set({ commit: lastApplied ?? '' }, 1);
    metrics.lastAppliedTimestamp.set(clock.wallTime() / 1000);
  }
  countContainers(metrics, result.state);
  if (result.recorded !== undefined) {
    log.info({ commit: result.recorded, applied: result.git?.applied }, 'wrote back what runs');
  }
  for (const kick of result.configured.kicked) {
    metrics.kicks.inc({ outcome: kick.outcome });
    const fields = {
      container: kick.name,
      host: kick.host,
      outcome: kick.outcome,
      durationMs: kick.durationMs,
    };
    if (kick.outcome === 'failed') log.warn({ ...fields, error: kick.error }, 'kick failed');
    else log.info({ ...fields, reasons: kick.reasons }, 'kicked');
  }
  const failed = reconciliation.result.steps.filter((s) => s.outcome === 'failed').length;
  if (failed > 0) metrics.errors.inc({ kind: 'step' }, failed);
  if (reconciliation.unreachable.length > 0)
    metrics.errors.inc({ kind: 'host' }, reconciliation.unreachable.length);
  const converged = reconciliation.result.converged;
  log[converged ? 'info' : 'warn'](
    {
      applied: result.git?.applied,
      steps: reconciliation.result.steps.length,
      failed,
      unreachable: reconciliation.unreachable.length,
    },
    converged ? 'converged' : 'not converged',
  );
}

/**
 * `dockstack_containers` by host and state: running, stopped, missing, blocked, unknown, extra;
 * a running container whose health check says so counts as starting or unhealthy.
 */
export function countContainers(metrics: DaemonMetrics, states: readonly ContainerState[]): void {
  metrics.containers.reset();
  for (const c of states) {
    const health = c.observed === 'running' && c.health !== 'healthy' ? c.health : undefined;
    metrics.containers.inc({
      host: c.host,
      state: c.desired === 'absent' ? 'extra' : (health ?? c.observed),
    });
  }
}

/** The logs and metrics of a drift check: the differences new since the last, and the repairs. */
export function observeDrift(
  { log, metrics }: { log: Log; metrics: DaemonMetrics },
  { found, result, repair }: { found: readonly DriftItem[]; result: PassResult; repair: boolean },
): void {
  for (const item of found) {
    metrics.drift.inc({ action: item.action });
    log.warn(
      { host: item.host, container: item.container, action: item.action, reason: item.reason },
      repair && item.action !== 'conflict' ? 'drift: repairing' : 'drift',
    );
  }
  if (result.stage !== 'load') {
    countContainers(metrics, result.stage === 'apply' ? result.state : result.planned.state);
  }
  if (result.stage !== 'apply') return;
  for (const step of result.reconciliation.result.steps) {
    if (step.action === 'conflict') continue;
    metrics.repairs.inc({ result: step.outcome });
    const meta = { host: step.host, container: step.name, action: step.action };
    if (step.outcome === 'done') log.info(meta, 'drift repaired');
    else log.warn({ ...meta, error: step.error }, 'drift repair failed');
  }
}

/** The kind a failed pass is counted under in `dockstack_errors_total`. */
export function errorKind(error: unknown): string {
  if (error instanceof ExternalError) return error.system === 'docker' ? 'host' : error.system;
  return 'internal';
}
