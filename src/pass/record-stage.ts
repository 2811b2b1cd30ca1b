import type { Environment } from '../environment/schema.js';

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
