import type { AddressInfo } from 'node:net';

import { gitRecorder } from '../pass/git-recorder.js';
import { headSource } from '../pass/head-source.js';
import type { PassRepo } from '../pass/pass-repo.js';
import type { PassReporter } from '../pass/report-stage.js';
import { runPass, type PassDeps } from '../pass/run-pass.js';
import type { Snapshot } from '../pass/source.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';
import { redact } from '../util/redact.js';
import { CoalescingRunner } from './coalescing-runner.js';
import { dashboardFeed, type DashboardPages } from './dashboard-pages.js';
import { driftChecked, observedMeanwhile } from './drift-checked.js';
import { passFinished } from './pass-finished.js';
import { pullClosed, pullPlanned, pullRequested } from './pull-plans.js';
import type { EngineWatch } from './watch-engines.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import {
  editSeen,
  INITIAL_STATE,
  nextDelay,
  notReady,
  passFailed,
  type DaemonState,
  type PullPlan,
  type PassOutcome,
} from './daemon-state.js';
import { createHttpServer } from './http-server.js';
import { countContainers, errorKind, observeDrift, observePass } from './observe-pass.js';
import type { PendingEdit } from './watch-working-copy.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** Drift checks look at the tunnels between hosts once in this many (every pass looks). */
const TUNNEL_CHECK_EVERY = 12;

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
      observePass(
        { log, metrics, clock },
        {
          result,
          fresh: finished.fresh,
          ignored: finished.ignored,
          lastApplied: state.lastApplied?.commit,
          appliedChanged: state.lastApplied !== before,
        },
      );
    } catch (error) {
      outcome = 'error';
      const timing = { at: isoNow(), durationMs: Math.round(clock.now() - started) };
      update(passFailed(state, errorMessage(error), timing));
      metrics.errors.inc({ kind: errorKind(error) });
      log.error({ err: error, failures: state.failures }, 'reconcile pass failed');
    }
    metrics.reconcileDuration.observe({ result: outcome }, (clock.now() - started) / 1000);
    metrics.degraded.set(notReady(state) === null ? 0 : 1);
  };

  /** The applied environment as a pass's source, with no commit (drift checks and looks). */
  const appliedSource = (snapshot: Snapshot) => ({
    read: () =>
      Promise.resolve({
        file: snapshot.file,
        bytes: snapshot.bytes,
        ...(snapshot.record === undefined ? {} : { record: snapshot.record }),
        ...(snapshot.secrets === undefined ? {} : { secrets: snapshot.secrets }),
      }),
  });

  let looking: Promise<void> | undefined;
  /**
   * A look at the hosts while a pass runs (a repair may wait minutes for a container to be
   * healthy), so the status and the dashboard stay current; it changes nothing. One at a time.
   */
  const lookMeanwhile = (): void => {
    const snapshot = applied;
    if (snapshot === undefined || looking !== undefined) return;
    looking = (async () => {
      try {
        const result = await runPass(
          { goal: 'plan', source: appliedSource(snapshot), tunnels: false },
          options.pass,
        );
        if (result.stage !== 'load') {
          update(observedMeanwhile(state, result.planned));
          countContainers(metrics, result.planned.state);
        }
      } catch (error) {
        log.debug({ err: error }, 'a look at the hosts during a pass failed');
      } finally {
        looking = undefined;
      }
    })();
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
          // With its secrets file: a repair serves the puppet servers the code as the commit did.
          source: appliedSource(snapshot),
          // Tunnels take a helper container per host to look at: one check in TUNNEL_CHECK_EVERY.
          tunnels: driftChecks++ % TUNNEL_CHECK_EVERY === 0,
        },
        options.pass,
      );
      const checked = driftChecked(state, result, at);
      update(checked.state);
      observeDrift({ log, metrics }, { found: checked.found, result, repair });
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

  /**
   * Asks for a drift check; while a pass is under way (it repairs what it finds), a look at the
   * hosts keeps the status current instead.
   */
  const requestDriftCheck = (): void => {
    if (!runner.busy) runner.request().catch(() => undefined);
    else lookMeanwhile();
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
