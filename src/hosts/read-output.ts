import type { Readable } from 'node:stream';

import { OutputCollector, type CollectedOutput } from './output-collector.js';

/** The connection closed before the engine finished sending the output. */
export class OutputCutError extends Error {
  constructor() {
    super('the connection closed before the output ended');
    this.name = 'OutputCutError';
  }
}

/**
 * Reads Docker's multiplexed output (of an exec, or a container's logs) from `stream` to its end.
 * Rejects with the stream's error, with OutputCutError when it closes early, or with the signal's
 * reason when `signal` aborts (the stream is then destroyed).
 */
export function readOutput(stream: Readable, signal: AbortSignal): Promise<CollectedOutput> {
  return new Promise((resolve, reject) => {
    const collector = new OutputCollector();
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => {
      finish(() => {
        stream.destroy();
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      });
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      collector.push(chunk);
    });
    stream.once('end', () => {
      finish(() => {
        resolve(collector.output());
      });
      stream.destroy();
    });
    stream.once('error', (error) => {
      finish(() => {
        reject(error);
      });
    });
    stream.once('close', () => {
      finish(() => {
        reject(new OutputCutError());
      });
    });
  });
}
