import type { Log } from '../util/log.js';
import type { PassResult } from './pass-result.js';
import type { GitRevision } from './source.js';

/**
 * Someone told about passes: GitHub (statuses, checks, comments), the daemon's status page. A
 * reporter never fails a pass: what it throws is logged.
 */
export interface PassReporter {
  /** New commits are about to be applied (`revision.applied`). */
  applying?(revision: GitRevision): Promise<void>;
  /** A pass ended; a reporter with slow work to do queues it and returns. */
  passed?(result: PassResult): Promise<void>;
}

/** Tells every reporter, one after the other; a reporter's failure is logged and passed over. */
export async function reportStage(
  reporters: readonly PassReporter[],
  call: (reporter: PassReporter) => Promise<void> | undefined,
  log: Log,
): Promise<void> {
  for (const reporter of reporters) {
    try {
      await call(reporter);
    } catch (error) {
      log.warn({ err: error }, 'a reporter failed; the pass goes on');
    }
  }
}
