import type { AddressInfo } from 'node:net';

import type { CommitRecord } from '../pass/commit-record.js';
import { gitRecorder } from '../pass/git-recorder.js';
import { headSource } from '../pass/head-source.js';
import type { PassRepo } from '../pass/pass-repo.js';
import type { PassResult } from '../pass/pass-result.js';
import type { PassReporter } from '../pass/report-stage.js';
import { runPass, type PassDeps } from '../pass/run-pass.js';
import type { Snapshot } from '../pass/source.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { ExternalError } from '../util/external-error.js';
import type { Log } from '../util/log.js';
import { redact } from '../util/redact.js';
import { CoalescingRunner } from './coalescing-runner.js';
import { dashboardFeed, type DashboardPages } from './dashboard-pages.js';
import type { EngineWatch } from './watch-engines.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import {
  driftChecked,
  editSeen,
  INITIAL_STATE,
  nextDelay,
  notReady,
  passFailed,
  passFinished,
  pullClosed,
  pullPlanned,
  pullRequested,
  type DaemonState,
  type PullPlan,
  type PassOutcome,
} from './daemon-state.js';
import type { WebhookDelivery } from '../github/receive-webhook.js';
import { createHttpServer, type WebhookReply } from './http-server.js';
import type { PendingEdit } from './watch-working-copy.js';

/** Drift checks look at the tunnels between hosts once in this many (every pass looks). */
const TUNNEL_CHECK_EVERY = 12;

/** What a delivery to POST /webhooks/github asks of the daemon, besides the reply. */
export type WebhookAction =
  | { do: 'reconcile'; reason: string; closed?: number }
  | { do: 'plan'; number: number; headSha: string }
  | { do: 'nothing'; closed?: number };

/**
 * Turns a raw delivery into a reply, the event and result it is counted under, and an action
 * (see github/webhook-handler.ts).
 */
export type WebhookReceiver = (
  delivery: WebhookDelivery,
) => Promise<WebhookReply & { action: WebhookAction; event: string; result: string }>;

export interface DaemonOptions {
  repo: PassRepo;
  /** The remote head without fetching (git ls-remote), for cheap polling. */
  remoteHead: () => Promise<string | undefined>;
  envPath: string;
  pass: PassDeps;
  log: Log;
  metrics: DaemonMetrics;
  clock?: Clock;
  random?: () => number;
  /** Polling period. */
  intervalMs: number;
  listen: { host: string; port: number };
  webhookToken?: string;
  /** Shown in /api/status (with any password in it masked by the logger's rules). */
  describe: Record<string, string>;
  /** Longest wait between retries while degraded. */
  maxBackoffMs?: number;
  /** Told about every pass (GitHub statuses and comments, ...). */
  reporters?: readonly PassReporter[];
  /** POST /webhooks/github; off without it. */
  webhooks?: WebhookReceiver;
  /** Plans a pull request (a webhook asked for it). */
  planPull?: (number: number, headSha: string) => void;
  /** Values never to show: tokens, passwords (URLs with credentials are masked anyway). */
  secrets?: () => Iterable<string>;
  /** Waited for (a while) when the daemon stops: reports still under way. */
  idle?: () => Promise<unknown>;
  /**
   * How often the hosts are observed between commits, to find and repair drift; 0: never (the
   * engines' events still trigger a check).
   */
  driftIntervalMs?: number;
  /** False: drift is reported, not repaired. */
  repair?: boolean;
  /**
   * Follows the engines' container events (see watch-engines.ts): an event about one of the
   * applied environment's containers asks for a drift check at once.
   */
  watchEngines?: (changed: (reason: string) => void) => EngineWatch;
  /** The dashboard served at `/`; off without it. */
  dashboard?: DashboardPages;
  /** A commit's page on the forge, for the dashboard's links. */
  commitUrl?: (sha: string) => string;
  /** A pull request's page on the forge, for the dashboard's links. */
  pullUrl?: (number: number) => string;
  /** The token the read endpoints require (see http-server.ts); open without one. */
  readToken?: string;
  /** Where people reach the listener (`--public-url`): its host name is answered too. */
  publicUrl?: string;
}

/** Events that arrive together (a restart is a die and a start) ask for one drift check. */
const EVENT_SETTLE_MS = 100;

export interface Daemon {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** Asks for a pass now; resolves when a pass that started after it has finished. */
  trigger(reason: string): Promise<void>;
  /** Asks for a drift check now (after a pass under way); resolves when one has run. */
  checkDrift(): Promise<void>;
  /** A working copy's uncommitted edit was planned (null: the file is as committed). */
  edited(edit: PendingEdit | null): void;
  /** An open pull request was planned; `null`: its head is gone from the remote. */
  pullPlanned(number: number, plan: Omit<PullPlan, 'number' | 'at'> | null): void;
  status(): Record<string, unknown>;
}

/**
 * The GitOps loop. Triggers (polling with ls-remote, the push webhook, GitHub's webhook, an
 * explicit call) coalesce into one pass at a time at the newest head; each pass runs every stage
 * to the write-back. A pass that fails (git or a host unreachable, a crash of a step) marks the
 * daemon degraded and is retried with backoff; the daemon never exits on its own. Every time and
 * timer goes through the clock.
 */
export function createDaemon(options: DaemonOptions): Daemon {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { log, metrics } = options;
  let state: DaemonState = INITIAL_STATE;
  const dashboard =
    options.dashboard === undefined
      ? undefined
      : dashboardFeed(options.dashboard, () => ({
          state,
          describe: options.describe,
          ...(options.commitUrl === undefined ? {} : { commitUrl: options.commitUrl }),
          ...(options.pullUrl === undefined ? {} : { pullUrl: options.pullUrl }),
        }));
  const update = (next: DaemonState) => {
    if (next === state) return;
    state = next;
    dashboard?.changed();
  };
  let stopped = false;
  let timer: Timer | undefined;
  let seenRemoteHead: string | undefined;
  let driftTimer: Timer | undefined;
  /** The environment the last commit's pass applied: drift checks compare the hosts with it. */
  let applied: Snapshot | undefined;
  let driftChecks = 0;
  /** A commit's pass is wanted (not a drift check) at the next run. */
  let commitPassWanted = true;
  const repair = options.repair ?? true;
  let eventTimer: Timer | undefined;
  const engines = options.watchEngines?.((reason) => {
    if (stopped || eventTimer !== undefined) return;
    log.debug({ reason }, 'engine event: drift check');
    eventTimer = clock.after(EVENT_SETTLE_MS, () => {
      eventTimer = undefined;
      // Also while a pass runs: what it observed may be older than the event.
      runner.request().catch(() => undefined);
    });
  });
  const isoNow = () => new Date(clock.wallTime()).toISOString();

  const pass = async (): Promise<void> => {
    const started = clock.now();
    let outcome: PassOutcome;
    try {
      const head = headSource(options.repo, { envPath: options.envPath });
      let read: Snapshot | undefined;
      const result = await runPass(
        {
          goal: 'apply',
          source: {
            read: async () => (read = await head.read()),
          },
          recorder: gitRecorder(options.repo),
          reporters: options.reporters ?? [],
        },
        options.pass,
      );
      const before = state.lastApplied;
      const ignoredBefore = new Set(state.ignoredRecords.map((r) => r.commit));
      const finished = passFinished(state, result, {
        at: isoNow(),
        durationMs: Math.round(clock.now() - started),
      });
      update(finished.state);
      outcome = finished.outcome;
      if (result.stage === 'apply' && read !== undefined) applied = read;
      if (result.stage === 'apply') engines?.follow(result.env);
      // The bot's own push is not news: polling waits for the next head after it.
      seenRemoteHead = state.head ?? undefined;
      for (const record of state.ignoredRecords) {
        if (!ignoredBefore.has(record.commit))
          log.warn(record, "a commit with dockstack's trailers that is not its record: ignored");
      }
      observe(result, finished.fresh, state.lastApplied !== before);
    } catch (error) {
      outcome = 'error';
      const timing = { at: isoNow(), durationMs: Math.round(clock.now() - started) };
      update(passFailed(state, errorMessage(error), timing));
      metrics.errors.inc({ kind: errorKind(error) });
      log.error({ err: error, failures: state.failures }, 'reconcile pass failed');
    }
    metrics.reconcileDuration.observe({ result: outcome }, (clock.now() - started) / 1000);
    metrics.degraded.set(state.degraded === null ? 0 : 1);
  };

  /** Logs and metrics of a finished pass. */
  const observe = (result: PassResult, fresh: readonly CommitRecord[], appliedChanged: boolean) => {
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
      metrics.lastAppliedCommit.set({ commit: state.lastApplied?.commit ?? '' }, 1);
      metrics.lastAppliedTimestamp.set(clock.wallTime() / 1000);
    }
    metrics.containers.reset();
    for (const c of result.state) {
      metrics.containers.inc({
        host: c.host,
        state: c.desired === 'absent' ? 'extra' : c.observed,
      });
    }
    if (result.recorded !== undefined) {
      log.info({ commit: result.recorded, applied: result.git?.applied }, 'wrote back what runs');
    }
    for (const kick of result.configured.kicked) {
      metrics.kicks.inc({ outcome: kick.outcome });
      const fields = { container: kick.name, host: kick.host, outcome: kick.outcome };
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
  };

  /** A pass from the applied environment, with no commit: finds drift, and repairs it. */
  const driftCheck = async (): Promise<void> => {
    const snapshot = applied;
    if (snapshot === undefined) return;
    const at = isoNow();
    try {
      const result = await runPass(
        {
          goal: repair ? 'apply' : 'plan',
          source: {
            read: () =>
              Promise.resolve({
                file: snapshot.file,
                bytes: snapshot.bytes,
                ...(snapshot.record === undefined ? {} : { record: snapshot.record }),
              }),
          },
          // Tunnels take a helper container per host to look at: one check in TUNNEL_CHECK_EVERY.
          tunnels: driftChecks++ % TUNNEL_CHECK_EVERY === 0,
        },
        options.pass,
      );
      const checked = driftChecked(state, result, at);
      update(checked.state);
      for (const item of checked.found) {
        metrics.drift.inc({ action: item.action });
        log.warn(
          { host: item.host, container: item.container, action: item.action, reason: item.reason },
          repair && item.action !== 'conflict' ? 'drift: repairing' : 'drift',
        );
      }
      if (result.stage === 'apply') {
        for (const step of result.reconciliation.result.steps) {
          if (step.action === 'conflict') continue;
          metrics.repairs.inc({ result: step.outcome });
          const meta = { host: step.host, container: step.name, action: step.action };
          if (step.outcome === 'done') log.info(meta, 'drift repaired');
          else log.warn({ ...meta, error: step.error }, 'drift repair failed');
        }
      }
    } catch (error) {
      log.warn({ err: error }, 'drift check failed');
    }
    metrics.degraded.set(notReady(state) === null ? 0 : 1);
  };

  const runner = new CoalescingRunner(async () => {
    if (commitPassWanted || state.lastPass === null) {
      commitPassWanted = false;
      await pass();
    } else {
      await driftCheck();
    }
  });

  /** Asks for a commit's pass (fetch, apply, write back). */
  const requestCommitPass = (): Promise<void> => {
    commitPassWanted = true;
    return runner.request();
  };

  /** Asks for a drift check, unless a pass is under way (it observes the hosts anyway). */
  const requestDriftCheck = (): void => {
    if (!runner.busy) runner.request().catch(() => undefined);
  };

  const scheduleDrift = () => {
    const every = options.driftIntervalMs ?? 0;
    if (stopped || every <= 0) return;
    driftTimer = clock.after(every, () => {
      requestDriftCheck();
      scheduleDrift();
    });
  };

  const schedule = () => {
    if (stopped) return;
    const delay = nextDelay(state, options.intervalMs, options.maxBackoffMs ?? 60_000, random);
    timer = clock.after(delay, () => void tick());
  };

  const tick = async () => {
    try {
      if (state.failures > 0 || state.lastPass === null) {
        await requestCommitPass();
      } else {
        const remote = await options.remoteHead();
        if (remote !== seenRemoteHead) await requestCommitPass();
      }
    } catch (error) {
      update(passFailed(state, errorMessage(error)));
      metrics.degraded.set(1);
      metrics.errors.inc({ kind: errorKind(error) });
      log.warn({ err: error }, 'polling the env repo failed');
    } finally {
      schedule();
    }
  };

  /** A webhook asks for a pass: it is queued, the caller does not wait. */
  const requestPass = (reason: string) => {
    log.info({ reason }, 'reconcile requested');
    requestCommitPass().catch(() => undefined);
  };

  const webhooks = options.webhooks;
  const server = createHttpServer({
    metrics,
    log,
    status: () => status(),
    notReady: () => notReady(state),
    trigger: requestPass,
    mask: (text) => redact(text, options.secrets?.() ?? []),
    ...(options.readToken === undefined ? {} : { readToken: options.readToken }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    ...(dashboard === undefined ? {} : { dashboard: dashboard.handlers }),
    ...(options.webhookToken === undefined ? {} : { webhookToken: options.webhookToken }),
    ...(webhooks === undefined
      ? {}
      : {
          github: async (delivery) => {
            const { action, event, result, ...reply } = await webhooks(delivery);
            metrics.webhooks.inc({ event, result });
            if (action.do === 'reconcile') requestPass(action.reason);
            if (action.do === 'plan') {
              update(pullRequested(state, action.number));
              options.planPull?.(action.number, action.headSha);
            }
            if (action.do !== 'plan' && action.closed !== undefined) {
              update(pullClosed(state, action.closed));
            }
            return reply;
          },
        }),
  });

  const status = (): Record<string, unknown> => {
    const { pendingEdit, ...rest } = state;
    // The closed pull requests are the daemon's bookkeeping, not something it reports.
    const shown = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'closedPulls'));
    return { ...options.describe, ...shown, ...(pendingEdit === null ? {} : { pendingEdit }) };
  };

  return {
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.listen.port, options.listen.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const port = (server.address() as AddressInfo).port;
      log.info({ ...options.describe, port }, 'dockstack daemon listening');
      void tick();
      scheduleDrift();
      return { port };
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      driftTimer?.cancel();
      eventTimer?.cancel();
      engines?.stop();
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // Event streams stay open until their clients go: the server closes them.
      server.closeAllConnections();
      await closed;
      // Reports under way get a moment to land; a slow GitHub does not hold the exit.
      let grace: Timer | undefined;
      await Promise.race([
        options.idle?.(),
        new Promise<void>((resolve) => (grace = clock.after(10_000, resolve))),
      ]);
      grace?.cancel();
    },
    trigger: (reason) => {
      log.info({ reason }, 'reconcile requested');
      return requestCommitPass();
    },
    checkDrift: () => runner.request(),
    edited: (edit) => {
      update(editSeen(state, edit));
    },
    pullPlanned: (number, plan) => {
      update(
        plan === null
          ? pullClosed(state, number)
          : pullPlanned(state, {
              number,
              at: isoNow(),
              ...plan,
              ...(plan.error === undefined
                ? {}
                : { error: redact(plan.error, options.secrets?.() ?? []) }),
            }),
      );
    },
    status,
  };
}

function errorKind(error: unknown): string {
  if (error instanceof ExternalError) return error.system === 'docker' ? 'host' : error.system;
  return 'internal';
}
