import type { Clock, Timer } from '../../src/util/clock.js';

interface Pending {
  at: number;
  fire: () => void;
  cancelled: boolean;
}

/**
 * A clock whose time moves only when a test says so (`advance`) or when code sleeps on it
 * (`sleep` moves time forward at once, so waiting loops run without waiting). Timers fire in
 * order as time passes them.
 */
export class FakeClock implements Clock {
  private time = 0;
  private readonly pending: Pending[] = [];

  constructor(private readonly epoch = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  wallTime(): number {
    return this.epoch + this.time;
  }

  sleep(ms: number): Promise<void> {
    this.advance(ms);
    return Promise.resolve();
  }

  after(ms: number, fire: () => void): Timer {
    const entry: Pending = { at: this.time + Math.max(0, ms), fire, cancelled: false };
    this.pending.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.pending
        .filter((p) => !p.cancelled && p.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.fire();
    }
    this.time = until;
  }

  /** Timers set and not yet fired or cancelled. */
  get timers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}
