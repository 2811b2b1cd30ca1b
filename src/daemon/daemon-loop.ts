import type { Environment } from '../environment/schema.js';
import { gitRecorder } from '../pass/git-recorder.js';
import { headSource } from '../pass/head-source.js';
import type { PassRepo } from '../pass/pass-repo.js';
import type { PassReporter } from '../pass/report-stage.js';
import { runPass, type PassDeps } from '../pass/run-pass.js';
import type { Snapshot, Source } from '../pass/source.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';
import { CoalescingRunner } from './coalescing-runner.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import { notReady, passFailed, type DaemonState, type PassOutcome } from './daemon-state.js';
import { driftChecked, observedMeanwhile } from './drift-checked.js';
import { countContainers, errorKind, observeDrift, observePass } from './observe-pass.js';
import { passFinished } from './pass-finished.js';

/** Drift checks look at the tunnels between hosts once in this many (every pass looks). */
const TUNNEL_CHECK_EVERY = 12;

/** Where the loop keeps the daemon's state: read, and replaced by a reducer's result. */
export interface StateStore {
  readonly state: DaemonState;
  update(next: DaemonState): void;
}

export interface DaemonLoopOptions {
  repo: PassRepo;
  /** The remote head without fetching (git ls-remote), for cheap polling. */
  remoteHead: () => Promise<string | undefined>;
  envPath: string;
  pass: PassDeps;
  store: StateStore;
  log: Log;
  metrics: DaemonMetrics;
  clock: Clock;
  /** Told about every commit's pass (GitHub statuses and comments, ...). */
  reporters: readonly PassReporter[];
  /** False: a drift check reports what it finds, and repairs nothing. */
  repair: boolean;
  /** A commit's pass applied `env`: the engines' events about its containers matter now. */
  onApplied: (env: Environment) => void;
}

/**
 * The passes of the GitOps loop, one at a time: a commit's pass (fetch, apply at the newest
 * head, write back) when one is asked for or none has run yet, else a drift check from the
 * environment last applied; requests that arrive meanwhile coalesce into one more run. While a
 * pass runs, a look at the hosts keeps the state current. Each result goes into the state through
 * its reducer, and into the logs and metrics.
 */
export class DaemonLoop {
  /** The remote head as last seen: polling passes again only when it moved. */
  private seenRemoteHead: string | undefined;
  /** The environment the last commit's pass applied: drift checks compare the hosts with it. */
  private applied: Snapshot | undefined;
  private driftChecks = 0;
  /**
   * The members whose replacement was rolled back at the applied commit: drift checks leave them
   * as they run, as the commit's passes do, until the branch moves on.
   */
  private held: readonly string[] = [];
  /** A commit's pass is wanted (not a drift check) at the next run. */
  private commitPassWanted = true;
  private looking: Promise<void> | undefined;
  private readonly runner = new CoalescingRunner(() => this.run());

  constructor(private readonly options: DaemonLoopOptions) {}

  /** Asks for a commit's pass (fetch, apply, write back); resolves when one has run. */
  requestCommitPass(): Promise<void> {
    this.commitPassWanted = true;
    return this.runner.request();
  }

  /** Asks for a run (a drift check, unless a commit's pass is wanted); resolves when one has run. */
  checkDrift(): Promise<void> {
    return this.runner.request();
  }

  /**
   * Asks for a drift check; while a pass is under way (it repairs what it finds), a look at the
   * hosts keeps the status current instead.
   */
  requestDriftCheck(): void {
    if (!this.runner.busy) this.runner.request().catch(() => undefined);
    else this.lookMeanwhile();
  }

  /**
   * One poll: a commit's pass when the remote head moved since the last one seen, and after a
   * failure or before the first pass; a failure to reach the remote degrades the daemon.
   */
  async poll(): Promise<void> {
    const { store, metrics, log } = this.options;
    try {
      if (store.state.failures > 0 || store.state.lastPass === null) {
        await this.requestCommitPass();
      } else {
        const remote = await this.options.remoteHead();
        if (remote !== this.seenRemoteHead) await this.requestCommitPass();
      }
    } catch (error) {
      store.update(passFailed(store.state, errorMessage(error)));
      metrics.degraded.set(1);
      metrics.errors.inc({ kind: errorKind(error) });
      log.warn({ err: error }, 'polling the env repo failed');
    }
  }

  private async run(): Promise<void> {
    if (this.commitPassWanted || this.options.store.state.lastPass === null) {
      this.commitPassWanted = false;
      await this.commitPass();
    } else {
      await this.driftCheck();
    }
  }

  private isoNow(): string {
    return new Date(this.options.clock.wallTime()).toISOString();
  }

  private async commitPass(): Promise<void> {
    const { store, clock, log, metrics } = this.options;
    const started = clock.now();
    let outcome: PassOutcome;
    try {
      const head = headSource(this.options.repo, { envPath: this.options.envPath });
      let read: Snapshot | undefined;
      const result = await runPass(
        {
          goal: 'apply',
          source: {
            read: async () => (read = await head.read()),
          },
          recorder: gitRecorder(this.options.repo),
          reporters: this.options.reporters,
        },
        this.options.pass,
      );
      const before = store.state.lastApplied;
      const finished = passFinished(store.state, result, {
        at: this.isoNow(),
        durationMs: Math.round(clock.now() - started),
      });
      store.update(finished.state);
      outcome = finished.outcome;
      if (result.stage === 'apply' && read !== undefined) this.applied = read;
      if (result.stage === 'apply') this.held = result.reconciliation.held;
      if (result.stage === 'apply') this.options.onApplied(result.env);
      // The bot's own push is not news: polling waits for the next head after it.
      this.seenRemoteHead = store.state.head ?? undefined;
      observePass(
        { log, metrics, clock },
        {
          result,
          fresh: finished.fresh,
          ignored: finished.ignored,
          lastApplied: store.state.lastApplied?.commit,
          appliedChanged: store.state.lastApplied !== before,
        },
      );
    } catch (error) {
      outcome = 'error';
      const timing = { at: this.isoNow(), durationMs: Math.round(clock.now() - started) };
      store.update(passFailed(store.state, errorMessage(error), timing));
      metrics.errors.inc({ kind: errorKind(error) });
      log.error({ err: error, failures: store.state.failures }, 'reconcile pass failed');
    }
    metrics.reconcileDuration.observe({ result: outcome }, (clock.now() - started) / 1000);
    metrics.degraded.set(notReady(store.state) === null ? 0 : 1);
  }

  /**
   * A look at the hosts while a pass runs (a repair may wait minutes for a container to be
   * healthy), so the status and the dashboard stay current; it changes nothing. One at a time.
   */
  private lookMeanwhile(): void {
    const snapshot = this.applied;
    if (snapshot === undefined || this.looking !== undefined) return;
    const { store, metrics, log } = this.options;
    this.looking = (async () => {
      try {
        const result = await runPass(
          { goal: 'plan', source: appliedSource(snapshot), tunnels: false, held: this.held },
          this.options.pass,
        );
        if (result.stage !== 'load') {
          store.update(observedMeanwhile(store.state, result.planned));
          countContainers(metrics, result.planned.state);
        }
      } catch (error) {
        log.debug({ err: error }, 'a look at the hosts during a pass failed');
      } finally {
        this.looking = undefined;
      }
    })();
  }

  /** A pass from the applied environment, with no commit: finds drift, and repairs it. */
  private async driftCheck(): Promise<void> {
    const snapshot = this.applied;
    if (snapshot === undefined) return;
    const { store, metrics, log, repair } = this.options;
    const at = this.isoNow();
    try {
      const result = await runPass(
        {
          goal: repair ? 'apply' : 'plan',
          // With its secrets file: a repair serves the puppet servers the code as the commit did.
          source: appliedSource(snapshot),
          // Tunnels take a helper container per host to look at: one check in TUNNEL_CHECK_EVERY.
          tunnels: this.driftChecks++ % TUNNEL_CHECK_EVERY === 0,
          held: this.held,
        },
        this.options.pass,
      );
      if (result.stage === 'apply') this.held = result.reconciliation.held;
      const checked = driftChecked(store.state, result, at);
      store.update(checked.state);
      observeDrift({ log, metrics }, { found: checked.found, result, repair });
    } catch (error) {
      log.warn({ err: error }, 'drift check failed');
    }
    metrics.degraded.set(notReady(store.state) === null ? 0 : 1);
  }
}

/** The applied environment as a pass's source, with no commit (drift checks and looks). */
function appliedSource(snapshot: Snapshot): Source {
  return {
    read: () =>
      Promise.resolve({
        file: snapshot.file,
        bytes: snapshot.bytes,
        ...(snapshot.record === undefined ? {} : { record: snapshot.record }),
        ...(snapshot.secrets === undefined ? {} : { secrets: snapshot.secrets }),
      }),
  };
}
