import type { AddressInfo } from 'node:net';

import type { Logger } from 'pino';

import type { Environment } from '../environment/schema.js';
import { DeliveryLog } from '../github/delivery-log.js';
import type { RepoName } from '../github/github-api.js';
import type { GitHubReporter } from '../github/github-reporter.js';
import {
  eventName,
  receiveWebhook,
  type WebhookDelivery,
  type WebhookOutcome,
} from '../github/receive-webhook.js';
import { routeEvent } from '../github/route-event.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { systemClock, type Clock } from '../util/clock.js';
import { CoalescingRunner } from './coalescing-runner.js';
import type { CommitRecord } from './commit-record.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import { createHttpServer, MAX_WEBHOOK_BODY } from './http-server.js';
import { reconcileHead, type DaemonRepo, type PassResult } from './reconcile-head.js';

export interface DaemonOptions {
  repo: DaemonRepo;
  /** The remote head without fetching (git ls-remote), for cheap polling. */
  remoteHead: () => Promise<string | undefined>;
  envPath: string;
  connect: (env: Environment) => Map<string, DockerHost>;
  log: Logger;
  metrics: DaemonMetrics;
  clock?: Clock;
  /** Polling period. */
  intervalMs: number;
  listen: { host: string; port: number };
  webhookToken?: string;
  /** Shown in /api/status (with any password in it masked by the logger's rules). */
  describe: Record<string, string>;
  /** Longest wait between retries while degraded. */
  maxBackoffMs?: number;
  /** More to show in /api/status (the plan of an uncommitted edit, say). */
  extraStatus?: () => Record<string, unknown>;
  /** GitHub: signed webhooks in, plans and results out. */
  github?: DaemonGitHub;
}

export interface DaemonGitHub {
  /** The repository and branch whose events count; events about others are ignored. */
  target: { repo: RepoName; branch: string };
  /** The secret GitHub signs deliveries with; POST /webhooks/github is off without one. */
  webhookSecret?: string;
  /** Reports plans and results; without one, pull requests are not planned. */
  reporter?: GitHubReporter;
}

export interface DaemonStatus {
  head: string | null;
  lastPass: {
    at: string;
    durationMs: number;
    outcome: 'converged' | 'failed' | 'invalid' | 'error';
  } | null;
  lastApplied: { commit: string; at: string; converged: boolean } | null;
  degraded: string | null;
  invalid: PassResult['invalid'] | null;
  commits: CommitRecord[];
  containers: NonNullable<PassResult['state']>;
  unreachable: NonNullable<PassResult['reconciliation']>['unreachable'];
  lastWriteBack: string | null;
}

export interface Daemon {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** Asks for a pass now; resolves when a pass that started after it has finished. */
  trigger(reason: string): Promise<void>;
  status(): DaemonStatus & Record<string, unknown>;
}

const KEPT_COMMITS = 50;

/**
 * The GitOps loop. Triggers (polling with ls-remote, the push webhook, an explicit call) coalesce
 * into one pass at a time at the newest head. A pass that fails (git or a host unreachable, a
 * crash of a step) marks the daemon degraded and is retried with backoff; the daemon never exits
 * on its own.
 */
export function createDaemon(options: DaemonOptions): Daemon {
  const clock = options.clock ?? systemClock;
  const { log, metrics } = options;
  const state: DaemonStatus = {
    head: null,
    lastPass: null,
    lastApplied: null,
    degraded: 'starting',
    invalid: null,
    commits: [],
    containers: [],
    unreachable: [],
    lastWriteBack: null,
  };
  const logged = new Set<string>();
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let seenRemoteHead: string | undefined;
  /** GitHub reports of finished passes, one after the other, off the pass's path. */
  let reports: Promise<void> = Promise.resolve();

  const pass = async (): Promise<void> => {
    const started = clock.now();
    let outcome: NonNullable<DaemonStatus['lastPass']>['outcome'];
    try {
      const reporter = options.github?.reporter;
      const result = await reconcileHead({
        repo: options.repo,
        envPath: options.envPath,
        connect: options.connect,
        ...(reporter === undefined ? {} : { beforeApply: (sha) => reporter.applying(sha) }),
      });
      outcome = record(result);
      if (reporter !== undefined) {
        reports = reports.then(() => reporter.applied(result));
      }
      failures = 0;
    } catch (error) {
      outcome = 'error';
      failures++;
      const reason = error instanceof Error ? error.message : String(error);
      state.degraded = reason;
      metrics.errors.inc({ kind: errorKind(error) });
      log.error({ err: error, failures }, 'reconcile pass failed');
    }
    const durationMs = clock.now() - started;
    metrics.reconcileDuration.observe({ result: outcome }, durationMs / 1000);
    metrics.degraded.set(state.degraded === null ? 0 : 1);
    state.lastPass = { at: new Date().toISOString(), durationMs: Math.round(durationMs), outcome };
  };

  const record = (result: PassResult): NonNullable<DaemonStatus['lastPass']>['outcome'] => {
    state.head = result.writeBack ?? result.head;
    // The bot's own push is not news: polling waits for the next head after it.
    seenRemoteHead = state.head;
    for (const commit of result.commits) {
      if (logged.has(commit.sha)) continue;
      logged.add(commit.sha);
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
    const known = new Set(state.commits.map((c) => c.sha));
    state.commits = [...state.commits, ...result.commits.filter((c) => !known.has(c.sha))].slice(
      -KEPT_COMMITS,
    );
    if (result.invalid !== undefined) {
      state.invalid = result.invalid;
      state.degraded = null;
      metrics.errors.inc({ kind: 'invalid' });
      log.warn(
        { head: result.head, problems: result.invalid },
        'the environment at the head is invalid: nothing applied, the hosts stay as they are',
      );
      return 'invalid';
    }
    state.invalid = null;
    const reconciliation = result.reconciliation;
    const converged = reconciliation?.result.converged ?? false;
    state.containers = result.state ?? [];
    state.unreachable = reconciliation?.unreachable ?? [];
    if (state.lastApplied?.commit !== result.applied || state.lastApplied.converged !== converged) {
      state.lastApplied = { commit: result.applied, at: new Date().toISOString(), converged };
      metrics.lastAppliedCommit.reset();
      metrics.lastAppliedCommit.set({ commit: result.applied }, 1);
      metrics.lastAppliedTimestamp.set(Date.now() / 1000);
    }
    metrics.containers.reset();
    for (const c of state.containers) {
      const s = c.desired === 'absent' ? 'extra' : c.observed;
      metrics.containers.inc({ host: c.host, state: s });
    }
    if (result.writeBack !== undefined) {
      state.lastWriteBack = result.writeBack;
      log.info({ commit: result.writeBack, applied: result.applied }, 'wrote back what runs');
    }
    const failedSteps = reconciliation?.result.steps.filter((s) => s.outcome === 'failed') ?? [];
    if (failedSteps.length > 0) metrics.errors.inc({ kind: 'step' }, failedSteps.length);
    if (state.unreachable.length > 0)
      metrics.errors.inc({ kind: 'host' }, state.unreachable.length);
    state.degraded = converged
      ? null
      : state.unreachable.length > 0
        ? `unreachable: ${state.unreachable.map((u) => u.host).join(', ')}`
        : `${failedSteps.length} step(s) failed`;
    if (!converged) failures++;
    log[converged ? 'info' : 'warn'](
      {
        applied: result.applied,
        steps: reconciliation?.result.steps.length,
        failed: failedSteps.length,
        unreachable: state.unreachable.length,
      },
      converged ? 'converged' : 'not converged',
    );
    return converged ? 'converged' : 'failed';
  };

  const runner = new CoalescingRunner(pass);

  const schedule = () => {
    if (stopped) return;
    const backoff =
      failures === 0
        ? options.intervalMs
        : Math.min(options.maxBackoffMs ?? 60_000, 1000 * 2 ** Math.min(failures, 10));
    const jitter = failures === 0 ? 0 : Math.random() * backoff * 0.2;
    timer = setTimeout(() => void tick(), backoff + jitter);
  };

  const tick = async () => {
    try {
      if (failures > 0 || state.lastPass === null) {
        await runner.request();
      } else {
        const remote = await options.remoteHead();
        if (remote !== seenRemoteHead) await runner.request();
      }
    } catch (error) {
      failures++;
      state.degraded = error instanceof Error ? error.message : String(error);
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
    runner.request().catch(() => undefined);
  };
  const githubDeliveries = webhookHandler(options, requestPass);

  const server = createHttpServer({
    metrics,
    log,
    status: () => status(),
    notReady: () => state.degraded,
    trigger: requestPass,
    ...(options.webhookToken === undefined ? {} : { webhookToken: options.webhookToken }),
    ...(githubDeliveries === undefined ? {} : { github: githubDeliveries }),
  });

  const status = () => ({ ...options.describe, ...state, ...options.extraStatus?.() });

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
      return { port };
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeAllConnections();
      // Reports under way to GitHub get a moment to land; a slow GitHub does not hold the exit.
      const reported = Promise.all([reports, options.github?.reporter?.idle()]);
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        reported,
        new Promise<void>((resolve) => (grace = setTimeout(resolve, 10_000))),
      ]);
      clearTimeout(grace);
    },
    trigger: (reason) => {
      log.info({ reason }, 'reconcile requested');
      return runner.request();
    },
    status,
  };
}

/**
 * The handler of POST /webhooks/github: verified, deduplicated deliveries become a reconcile (a
 * push to the branch, a merge) or a pull request plan; the reply is sent at once.
 */
function webhookHandler(
  options: DaemonOptions,
  reconcile: (reason: string) => void,
): ((delivery: WebhookDelivery) => Promise<{ status: number; body: unknown }>) | undefined {
  const github = options.github;
  if (github?.webhookSecret === undefined) return undefined;
  const { webhookSecret: secret, target, reporter } = github;
  // @octokit/webhooks is loaded with the first delivery, not by a daemon that never gets one.
  let verifier:
    Promise<{ verify: (payload: string, signature: string) => Promise<boolean> }> | undefined;
  const deliveries = new DeliveryLog();
  const { log, metrics } = options;
  return async (delivery) => {
    verifier ??= import('@octokit/webhooks').then(({ Webhooks }) => new Webhooks({ secret }));
    const outcome = await receiveWebhook(delivery, {
      verifier: await verifier,
      deliveries,
      maxBytes: MAX_WEBHOOK_BODY,
    });
    const event = eventName(delivery.headers) ?? 'unknown';
    const reply = answer(outcome, event);
    metrics.webhooks.inc({ event, result: reply.result });
    return { status: reply.status, body: reply.body };
  };

  function answer(
    outcome: WebhookOutcome,
    event: string,
  ): {
    status: number;
    result: 'refused' | 'duplicate' | 'ignored' | 'queued';
    body: unknown;
  } {
    if ('error' in outcome) {
      log.warn(
        { status: outcome.status, reason: outcome.error, event },
        'webhook delivery refused',
      );
      return { status: outcome.status, result: 'refused', body: { error: outcome.error } };
    }
    const { delivery } = outcome;
    if ('duplicate' in outcome) {
      log.info({ delivery, event }, 'webhook delivery seen before: not processed again');
      return { status: 200, result: 'duplicate', body: { status: 'duplicate', delivery } };
    }
    const action = routeEvent(outcome.event, target);
    if (action.do === 'plan' && reporter !== undefined) {
      log.info({ pull: action.number, head: action.headSha }, 'pull request to plan');
      reporter.planPull(action.number, action.headSha);
    } else if (action.do === 'reconcile') {
      reconcile(action.reason);
    } else {
      const reason =
        action.do === 'plan'
          ? 'no GitHub credentials: pull requests are not planned'
          : action.reason;
      log.info({ delivery, event, reason }, 'webhook delivery ignored');
      return { status: 202, result: 'ignored', body: { status: 'ignored', reason } };
    }
    return { status: 202, result: 'queued', body: { status: 'queued', delivery } };
  }
}

function errorKind(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'GitError') return 'git';
  if (name === 'HostError') return 'host';
  if (name === 'GitHubError') return 'github';
  return 'internal';
}
