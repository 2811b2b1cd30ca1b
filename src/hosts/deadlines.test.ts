import { describe, expect, it } from 'vitest';

import { DeadlineError, PatienceError, withDeadline, withPatience } from './deadlines.js';

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

const never = (): Promise<never> => new Promise<never>(() => undefined);

function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => {
    setTimeout(() => {
      resolve(value);
    }, ms);
  });
}

describe('withPatience', () => {
  it('passes the value of a task that finishes before its deadline, without asking', async () => {
    let asked = 0;
    const alive = () => {
      asked++;
      return Promise.resolve(true);
    };
    await expect(
      withPatience({ deadlineMs: 200, capMs: 1000, alive }, () => after(10, 'done')),
    ).resolves.toBe('done');
    expect(asked).toBe(0);
  });

  it('keeps waiting past the deadline while the host says it is alive', async () => {
    let asked = 0;
    const alive = () => {
      asked++;
      return Promise.resolve(true);
    };
    const started = Date.now();
    await expect(
      withPatience({ deadlineMs: 40, capMs: 5000, alive }, () => after(300, 'late')),
    ).resolves.toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(asked).toBeGreaterThanOrEqual(4);
  });

  it('fails with DeadlineError and aborts the signal once the host does not answer', async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const attempt = withPatience(
      { deadlineMs: 50, capMs: 5000, alive: () => Promise.resolve(false) },
      (signal) => {
        seen = signal;
        return never();
      },
    );
    await expect(attempt).rejects.toEqual(new DeadlineError(50));
    expect(Date.now() - started).toBeLessThan(500);
    expect(seen?.aborted).toBe(true);
  });

  it('takes a failed liveness check as no answer', async () => {
    const attempt = withPatience(
      { deadlineMs: 30, capMs: 5000, alive: () => Promise.reject(new Error('refused')) },
      never,
    );
    await expect(attempt).rejects.toBeInstanceOf(DeadlineError);
  });

  it('gives up at the cap with PatienceError even when the host answers', async () => {
    const started = Date.now();
    const attempt = withPatience(
      { deadlineMs: 30, capMs: 150, alive: () => Promise.resolve(true) },
      never,
    );
    await expect(attempt).rejects.toEqual(new PatienceError(150));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(600);
  });

  it('settles with the task when it finishes while the host is being asked', async () => {
    const attempt = withPatience(
      { deadlineMs: 20, capMs: 5000, alive: () => after(100, false) },
      () => after(50, 'answered'),
    );
    await expect(attempt).resolves.toBe('answered');
  });

  it('passes the error of a failing task and rejects with the reason of a cancel', async () => {
    const alive = () => Promise.resolve(true);
    await expect(
      withPatience({ deadlineMs: 100, capMs: 100, alive }, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');

    const cancel = new AbortController();
    const attempt = withPatience({ deadlineMs: 1000, capMs: 1000, alive }, never, cancel.signal);
    cancel.abort(new Error('closed'));
    await expect(attempt).rejects.toThrow('closed');

    let started = false;
    await expect(
      withPatience(
        { deadlineMs: 1000, capMs: 1000, alive },
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
