import type { AddressInfo } from 'node:net';

import type { PassRepo } from '../pass/pass-repo.js';
import type { PassReporter } from '../pass/report-stage.js';
import type { PassDeps } from '../pass/run-pass.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { Log } from '../util/log.js';
import { redact } from '../util/redact.js';
import { dashboardFeed, type DashboardPages } from './dashboard-pages.js';
import { DaemonLoop, type StateStore } from './daemon-loop.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import {
  editSeen,
  INITIAL_STATE,
  notReady,
  type DaemonState,
  type PullPlan,
} from './daemon-state.js';
import { DaemonTimers, nextDelay } from './daemon-timers.js';
import { createHttpServer } from './http-server.js';
import { pullClosed, pullPlanned, pullRequested } from './pull-plans.js';
import type { EngineWatch } from './watch-engines.js';
import type { PendingEdit } from './watch-working-copy.js';
import type { WebhookReceiver } from './webhook-receiver.js';

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
 * timer goes through the clock. Built here from its parts: the state (daemon-state.ts and its
 * reducers), the passes (DaemonLoop), the timers (DaemonTimers), the engines' events and the
 * HTTP listener.
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
  const store: StateStore = {
    get state() {
      return state;
    },
    update(next) {
      if (next === state) return;
      state = next;
      dashboard?.changed();
    },
  };
  const loop = new DaemonLoop({
    repo: options.repo,
    remoteHead: options.remoteHead,
    envPath: options.envPath,
    pass: options.pass,
    store,
    log,
    metrics,
    clock,
    reporters: options.reporters ?? [],
    repair: options.repair ?? true,
    onApplied: (env) => engines?.follow(env),
  });
  const timers = new DaemonTimers({
    clock,
    poll: () => loop.poll(),
    pollDelay: () => nextDelay(state, options.intervalMs, options.maxBackoffMs ?? 60_000, random),
    driftCheck: () => {
      loop.requestDriftCheck();
    },
    driftIntervalMs: options.driftIntervalMs ?? 0,
    // Also while a pass runs: what it observed may be older than the event.
    eventsSettled: () => {
      loop.checkDrift().catch(() => undefined);
    },
  });
  const engines = options.watchEngines?.((reason) => {
    if (timers.engineEvent()) log.debug({ reason }, 'engine event: drift check');
  });
  const isoNow = () => new Date(clock.wallTime()).toISOString();

  /** A webhook asks for a pass: it is queued, the caller does not wait. */
  const requestPass = (reason: string) => {
    log.info({ reason }, 'reconcile requested');
    loop.requestCommitPass().catch(() => undefined);
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
              store.update(pullRequested(state, action.number));
              options.planPull?.(action.number, action.headSha);
            }
            if (action.do !== 'plan' && action.closed !== undefined) {
              store.update(pullClosed(state, action.closed));
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
      timers.start();
      return { port };
    },
    async stop() {
      timers.stop();
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
      return loop.requestCommitPass();
    },
    checkDrift: () => loop.checkDrift(),
    edited: (edit) => {
      store.update(editSeen(state, edit));
    },
    pullPlanned: (number, plan) => {
      store.update(
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
