import { describe, expect, it } from 'vitest';

import { DeadlineError, withDeadline } from './with-deadline.js';

describe('withDeadline', () => {
  it('passes the value of a task that finishes in time', async () => {
    await expect(withDeadline(1000, () => Promise.resolve(42))).resolves.toBe(42);
  });

  it('passes the error of a task that fails in time', async () => {
    await expect(withDeadline(1000, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
  });

  it('rejects at the deadline and aborts the signal, even if the task ignores it', async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const attempt = withDeadline(50, (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    });
    await expect(attempt).rejects.toBeInstanceOf(DeadlineError);
    expect(Date.now() - started).toBeLessThan(500);
    expect(seen?.aborted).toBe(true);
  });

  it('rejects with the reason of a cancel signal', async () => {
    const cancel = new AbortController();
    const attempt = withDeadline(10_000, () => new Promise<never>(() => undefined), cancel.signal);
    cancel.abort(new Error('closed'));
    await expect(attempt).rejects.toThrow('closed');
  });

  it('does not start the task when the cancel signal has already fired', async () => {
    const cancel = new AbortController();
    cancel.abort(new Error('closed'));
    let started = false;
    await expect(
      withDeadline(
        1000,
        () => {
          started = true;
          return Promise.resolve();
        },
        cancel.signal,
      ),
    ).rejects.toThrow('closed');
    expect(started).toBe(false);
  });
});
