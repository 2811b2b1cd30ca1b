import { HostError } from './host-error.js';

/**
 * The image label that names how many seconds a stopping container gets before the engine kills
 * it, for images whose clean shutdown takes longer than Docker's 10 s (a Galera member that has
 * just been a donor, say): `org.dockstack.stop-timeout=60`. See images/README.md.
 */
export const STOP_TIMEOUT_LABEL = 'org.dockstack.stop-timeout';

/** The longest stop timeout an image may ask for: an hour. */
const MOST_SECONDS = 3600;

/** The label's seconds; neither when it is absent; what is wrong with its value otherwise. */
export interface LabelledStopTimeout {
  seconds?: number;
  problem?: string;
}

/** Reads STOP_TIMEOUT_LABEL from `labels`: whole seconds from 1 to 3600. */
export function labelledStopTimeout(labels: Record<string, string>): LabelledStopTimeout {
  const value = labels[STOP_TIMEOUT_LABEL];
  if (value === undefined) return {};
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (Number.isInteger(seconds) && seconds >= 1 && seconds <= MOST_SECONDS) return { seconds };
  return {
    problem: `${STOP_TIMEOUT_LABEL}=${JSON.stringify(value)} is not whole seconds from 1 to ${String(MOST_SECONDS)}`,
  };
}

/**
 * The stop timeout the image `reference` on `host` names; undefined when it names none. A label
 * that is not whole seconds is the image's mistake, reported as such: no stop is timed on a guess.
 */
export function imageStopTimeout(
  host: string,
  reference: string,
  labels: Record<string, string>,
): number | undefined {
  const read = labelledStopTimeout(labels);
  if (read.problem !== undefined) {
    throw new HostError(
      host,
      'engine',
      `the image ${reference} on ${host} says ${read.problem}: fix the image's label`,
    );
  }
  return read.seconds;
}
