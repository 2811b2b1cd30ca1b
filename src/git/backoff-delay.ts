export interface BackoffOptions {
  /** The wait before the second attempt, before jitter. */
  baseDelayMs: number;
  /** No wait is longer. */
  maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): doubling from the base, capped,
 * then spread by jitter over its upper half so that racing writers fall apart.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
