import { loadEnvironment } from '../environment/load-environment.js';
import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { Snapshot } from './source.js';

/** An environment file checked: its value, or every problem in it. */
export type Loaded = { ok: true; env: Environment } | { ok: false; problems: Problem[] };

/** Parses and validates one environment file's bytes; `file` names it in problems. */
export type Loader = (bytes: Uint8Array | string, file: string) => Promise<Loaded>;

/** The loader that validates on the calling thread. */
export const loadInline: Loader = (bytes, file) => {
  const result = loadEnvironment(bytes, { file });
  return Promise.resolve(
    result.ok ? { ok: true, env: result.env } : { ok: false, problems: result.problems },
  );
};

/**
 * The load stage: each distinct text is validated once per pass, however many commits hold it
 * (the head is usually the newest commit too).
 */
export class LoadStage {
  private readonly loads = new Map<string, Promise<Loaded>>();

  constructor(private readonly loader: Loader = loadInline) {}

  /** The snapshot's environment; a file that could not be read is a problem at its line 1. */
  snapshot(snapshot: Snapshot): Promise<Loaded> {
    if (snapshot.unreadable !== undefined) {
      return Promise.resolve({
        ok: false,
        problems: [unreadable(snapshot.file, snapshot.unreadable)],
      });
    }
    return this.text(snapshot.bytes ?? '', snapshot.file);
  }

  text(bytes: Uint8Array | string, file: string): Promise<Loaded> {
    if (typeof bytes !== 'string') return this.loader(bytes, file);
    const key = `${file}\u0000${bytes}`;
    let loaded = this.loads.get(key);
    if (loaded === undefined) {
      loaded = this.loader(bytes, file);
      this.loads.set(key, loaded);
    }
    return loaded;
  }
}

function unreadable(file: string, code: string): Problem {
  return code === 'ENOENT'
    ? {
        file,
        line: 1,
        col: 1,
        message: 'no such file',
        hint: 'give the path of the environment file with --env',
      }
    : {
        file,
        line: 1,
        col: 1,
        message: `cannot read the file (${code})`,
        hint: 'check the path and its permissions',
      };
}
