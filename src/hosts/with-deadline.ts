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
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
    };
    const abort = (reason: unknown): void => {
      settle();
      controller.abort(reason);
      reject(asError(reason));
    };
    const onCancel = (): void => {
      abort(cancel?.reason);
    };
    const timer = setTimeout(() => {
      abort(new DeadlineError(ms));
    }, ms);
    if (cancel?.aborted === true) {
      abort(cancel.reason);
      return;
    }
    cancel?.addEventListener('abort', onCancel, { once: true });
    Promise.resolve()
      .then(() => {
        controller.signal.throwIfAborted();
        return task(controller.signal);
      })
      .then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(asError(error));
        },
      );
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
