/** A timer that can be called off before it fires. */
export interface Timer {
  cancel(): void;
}

/** Time, passed in so that code which waits can be tested without waiting. */
export interface Clock {
  /** Milliseconds, monotonic: for durations and deadlines. */
  now(): number;
  /** Milliseconds since the Unix epoch: for timestamps people read. */
  wallTime(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `fire` once after `ms`, unless cancelled first. */
  after(ms: number, fire: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  after: (ms, fire) => {
    const handle = setTimeout(fire, ms);
    return {
      cancel: () => {
        clearTimeout(handle);
      },
    };
  },
};
