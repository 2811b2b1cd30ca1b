import type { Clock, Timer } from '../util/clock.js';
import type { DaemonState } from './daemon-state.js';

/** Events that arrive together (a restart is a die and a start) ask for one drift check. */
const EVENT_SETTLE_MS = 100;

export interface DaemonTimersOptions {
  clock: Clock;
  /** One poll of the env repo; the next is set when it settles. */
  poll: () => Promise<void>;
  /** How long after a poll the next one runs (see nextDelay). */
  pollDelay: () => number;
  /** Asks for a drift check: every `driftIntervalMs`, never when it is 0. */
  driftCheck: () => void;
  driftIntervalMs: number;
  /** Asks for a drift check once the engines' events have settled. */
  eventsSettled: () => void;
}

/**
 * The daemon loop's timers, all through the clock: the poll of the env repo (set again each time
 * the one before has settled), the drift check every so often, and the short wait that lets the
 * engines' events settle into one drift check. Once stopped, each is cancelled and none is set
 * again.
 */
export class DaemonTimers {
  private stopped = false;
  private pollTimer: Timer | undefined;
  private driftTimer: Timer | undefined;
  private eventTimer: Timer | undefined;

  constructor(private readonly options: DaemonTimersOptions) {}

  /** Polls now, and sets the drift timer. */
  start(): void {
    void this.tick();
    this.scheduleDrift();
  }

  /**
   * An engine event: a drift check once events settle. False when it changes nothing (a wait is
   * under way, or the timers are stopped).
   */
  engineEvent(): boolean {
    if (this.stopped || this.eventTimer !== undefined) return false;
    this.eventTimer = this.options.clock.after(EVENT_SETTLE_MS, () => {
      this.eventTimer = undefined;
      this.options.eventsSettled();
    });
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.pollTimer?.cancel();
    this.driftTimer?.cancel();
    this.eventTimer?.cancel();
  }

  private async tick(): Promise<void> {
    try {
      await this.options.poll();
    } finally {
      this.schedulePoll();
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = this.options.clock.after(this.options.pollDelay(), () => void this.tick());
  }

  private scheduleDrift(): void {
    const every = this.options.driftIntervalMs;
    if (this.stopped || every <= 0) return;
    this.driftTimer = this.options.clock.after(every, () => {
      this.options.driftCheck();
      this.scheduleDrift();
    });
  }
}

/**
 * How long to wait before the next poll: the interval while all is well; after failures, an
 * exponential backoff (1 s, 2 s, 4 s, ... up to `maxBackoffMs`) with up to 20 % jitter.
 */
export function nextDelay(
  state: Pick<DaemonState, 'failures'>,
  intervalMs: number,
  maxBackoffMs: number,
  random: () => number,
): number {
  if (state.failures === 0) return intervalMs;
  const backoff = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(state.failures, 10));
  return backoff + random() * backoff * 0.2;
}
