/** An error the engine reported inside a pull's progress stream, after answering 200. */
export class PullStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullStreamError';
  }
}

/**
 * Reads a pull's progress stream (one JSON object per line) to its end. Resolves when the pull
 * finished; rejects with PullStreamError when a line carries an error, and with the stream's own
 * error when the connection fails.
 */
export async function followPull(stream: AsyncIterable<unknown>): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  let failure: string | undefined;
  for await (const chunk of stream) {
    pending +=
      typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) failure ??= errorOf(line);
  }
  failure ??= errorOf(pending);
  if (failure !== undefined) throw new PullStreamError(failure);
}

function errorOf(line: string): string | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  if ('error' in entry && typeof entry.error === 'string') return entry.error;
  if ('errorDetail' in entry && typeof entry.errorDetail === 'object' && entry.errorDetail) {
    const detail = entry.errorDetail;
    if ('message' in detail && typeof detail.message === 'string') return detail.message;
  }
  return undefined;
}
