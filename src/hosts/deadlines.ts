/**
 * How long a task on a Docker host may take. withDeadline: a fixed time, after which the task
 * fails. withPatience: a time after which the host is asked whether it is alive, the task waiting
 * on while it answers, up to a cap.
 */

/** Raised by withDeadline when the deadline passes first. */
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `task` with a signal that aborts after `ms`, or when `cancel` aborts, and settles by then
 * even when the task ignores its signal: a passed deadline rejects with DeadlineError, a cancel with
 * the cancel signal's reason.
 */
export function withDeadline<T>(
  ms: number,
  task: (signal: AbortSignal) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T> {
  // Patience with a host that never says it is alive: the first deadline fails the task.
  return withPatience(
    { deadlineMs: ms, capMs: ms, alive: () => Promise.resolve(false) },
    task,
    cancel,
  );
}

/** Raised by withPatience when the host kept answering but the task outlasted the cap. */
export class PatienceError extends Error {
  constructor(readonly ms: number) {
    super(`the host answers, but the task did not finish within ${ms} ms`);
    this.name = 'PatienceError';
  }
}

/** How long to wait for a task on a host that may be busy rather than gone. */
export interface Patience {
  /** How long the task may go unanswered before the host is asked whether it is alive. */
  deadlineMs: number;
  /** How long the task may take in all while the host keeps saying it is alive. */
  capMs: number;
  /** Resolves true when the host answers; called each time a deadline passes. Must settle. */
  alive: () => Promise<boolean>;
}

/**
 * Runs `task` with a signal that aborts when the task is given up. Each time `deadlineMs` passes
 * without an answer, `alive()` is asked: a host that does not answer fails the task with
 * DeadlineError (it is unreachable); one that answers keeps the task waiting, up to `capMs` in
 * all, after which the task fails with PatienceError. A cancel fails it with the cancel signal's
 * reason. The returned promise settles by then even when the task ignores its signal.
 */
export function withPatience<T>(
  patience: Patience,
  task: (signal: AbortSignal) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const begin = Date.now();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
      return true;
    };
    const giveUp = (reason: unknown): void => {
      if (!settle()) return;
      controller.abort(reason);
      reject(asError(reason));
    };
    const onCancel = (): void => {
      giveUp(cancel?.reason);
    };
    const check = (): void => {
      patience.alive().then(
        (alive) => {
          if (settled) return;
          if (!alive) {
            giveUp(new DeadlineError(patience.deadlineMs));
            return;
          }
          const left = patience.capMs - (Date.now() - begin);
          if (left <= 0) giveUp(new PatienceError(patience.capMs));
          else timer = setTimeout(check, Math.min(patience.deadlineMs, left));
        },
        () => {
          giveUp(new DeadlineError(patience.deadlineMs));
        },
      );
    };

    if (cancel?.aborted === true) {
      giveUp(cancel.reason);
      return;
    }
    cancel?.addEventListener('abort', onCancel, { once: true });
    timer = setTimeout(check, patience.deadlineMs);
    Promise.resolve()
      .then(() => {
        controller.signal.throwIfAborted();
        return task(controller.signal);
      })
      .then(
        (value) => {
          if (settle()) resolve(value);
        },
        (error: unknown) => {
          if (settle()) reject(asError(error));
        },
      );
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
