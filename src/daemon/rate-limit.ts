/**
 * At most `limit` events per key in a fixed window of `windowMs`, and `total` from all keys
 * together. Keeps at most `maxKeys` keys (the oldest window is forgotten first).
 */
export class RateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private all = { start: 0, count: 0 };

  constructor(
    private readonly options: {
      limit: number;
      total: number;
      windowMs: number;
      now: () => number;
      maxKeys?: number;
    },
  ) {}

  /** Counts one event of `key`; false when over the limit (the event is not allowed). */
  take(key: string): boolean {
    const now = this.options.now();
    if (now - this.all.start >= this.options.windowMs) this.all = { start: now, count: 0 };
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.options.windowMs) {
      this.windows.delete(key);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      const oldest = this.windows.keys().next().value;
      if (this.windows.size > (this.options.maxKeys ?? 10_000) && oldest !== undefined) {
        this.windows.delete(oldest);
      }
    }
    if (window.count >= this.options.limit || this.all.count >= this.options.total) return false;
    window.count++;
    this.all.count++;
    return true;
  }
}
