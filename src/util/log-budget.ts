import type { Clock } from './clock.js';

/**
 * At most `limit` lines per `windowMs` for one kind of event that anyone can cause (a refused
 * webhook delivery, say): a flood costs a bounded number of log lines. `take` says whether a
 * line may be written now and, when a new window opens, how many were held back in the last one.
 */
export class LogBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private held = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}

  take(): { write: boolean; heldBack: number } {
    const now = this.clock.now();
    let heldBack = 0;
    if (now - this.windowStart >= this.windowMs) {
      heldBack = this.held;
      this.windowStart = now;
      this.used = 0;
      this.held = 0;
    }
    if (this.used < this.limit) {
      this.used++;
      return { write: true, heldBack };
    }
    this.held++;
    return { write: false, heldBack };
  }
}
