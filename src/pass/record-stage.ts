import type { Reconciliation } from '../apply/reconciliation.js';
import type { Configured } from '../configure/configured.js';
import type { Environment } from '../environment/schema.js';
import { writeBackMessage } from '../report/write-back-message.js';
import type { Snapshot } from './source.js';

/** What the record stage writes: the files rendered once, and what the record says. */
export interface PassRecord {
  /** The environment file's path (in the repo, or on disk). */
  envPath: string;
  /** The file's text as the pass read it, and the commit it was read at (git sources). */
  base: { text: string; commit?: string };
  env: Environment;
  /** `registered_services` as it reads now: per service, the containers that run. */
  registered: Record<string, string[]>;
  /** The other files, rendered from the environment: path -> content. */
  files: Record<string, string>;
  /** The commit message (git) or a summary (elsewhere). */
  message: string;
  trailers: Record<string, string>;
  /** Recorded even when no file changes: the message and trailers alone are news. */
  always?: boolean;
}

/**
 * Where a pass records what it did: the env repo (a bot commit), or a folder beside a file.
 * Returns the commit it made, or undefined when nothing changed.
 */
export interface Recorder {
  record(record: PassRecord): Promise<string | undefined>;
}

/** What the record stage is given once the apply is over. */
export interface RecordInput {
  /** What the source stage read: the file's path and text, and the commit it was read at. */
  snapshot: Snapshot;
  env: Environment;
  /** The commit whose environment now runs (git), or the file's path (elsewhere). */
  appliedCommit: string;
  reconciliation: Reconciliation;
  /** `registered_services` as it reads now. */
  registered: Record<string, string[]>;
  configured: Configured;
  /** The files rendered from the environment; called only when there is a recorder. */
  files: () => Record<string, string>;
}

/**
 * The record stage: what the pass did and what runs now, given to `recorder`: the rendered files,
 * `registered_services`, and the write-back message with its trailers. Kicks are news even when
 * no file changes (their outcome is read back from git): then it is recorded all the same. The
 * commit (or files) the recorder made, or undefined when it changed nothing or there is none.
 */
export async function recordStage(
  recorder: Recorder | undefined,
  input: RecordInput,
): Promise<string | undefined> {
  if (recorder === undefined) return undefined;
  const { snapshot, registered, configured } = input;
  return recorder.record({
    envPath: snapshot.file,
    base: {
      text: textOf(snapshot.bytes),
      ...(snapshot.git === undefined ? {} : { commit: snapshot.git.head }),
    },
    env: input.env,
    registered,
    files: input.files(),
    ...writeBackMessage({
      appliedCommit: input.appliedCommit,
      reconciliation: input.reconciliation,
      registered,
      configured,
    }),
    // A rollback is news: its record holds the member back while the branch stays here.
    always:
      kickNews(configured, snapshot.git?.configured?.failed ?? []) ||
      input.reconciliation.result.steps.some((s) => s.rolledBack !== undefined),
  });
}

/** True when a kick succeeded, or the kicks that failed are others than those failed before. */
function kickNews(configured: Configured, failedBefore: readonly string[]): boolean {
  const failed = configured.kicked.filter((k) => k.outcome === 'failed').map((k) => k.name);
  if (configured.kicked.some((k) => k.outcome !== 'failed')) return true;
  return (
    failed.length !== failedBefore.length || failed.some((name) => !failedBefore.includes(name))
  );
}

function textOf(bytes: Uint8Array | string | undefined): string {
  if (bytes === undefined) return '';
  return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
}
