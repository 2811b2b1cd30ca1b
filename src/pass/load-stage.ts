import { loadEnvironment } from '../environment/load-environment.js';
import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import { EMPTY_KEYRING, type AgeKeyring } from '../secrets/age-keyring.js';
import { fillSecrets } from '../secrets/fill-secrets.js';
import type { Snapshot } from './source.js';

/** An environment file checked: its value, or every problem in it. */
export type Loaded = { ok: true; env: Environment } | { ok: false; problems: Problem[] };

/** Parses and validates one environment file's bytes; `file` names it in problems. */
export type Loader = (bytes: Uint8Array | string, file: string) => Promise<Loaded>;

/** The age identities a pass decrypts secrets files with, looked up when one is needed. */
export type AgeKeys = () => Promise<AgeKeyring>;

/** The loader that validates on the calling thread. */
export const loadInline: Loader = (bytes, file) => {
  const result = loadEnvironment(bytes, { file });
  return Promise.resolve(
    result.ok ? { ok: true, env: result.env } : { ok: false, problems: result.problems },
  );
};

/**
 * The load stage: each distinct text is validated once per pass, however many commits hold it
 * (the head is usually the newest commit too). An environment with a secrets file beside it gets
 * its secrets from it, decrypted with the identities `keys` finds (once per pass).
 */
export class LoadStage {
  private readonly loads = new Map<string, Promise<Loaded>>();
  private keyring: Promise<AgeKeyring> | undefined;

  constructor(
    private readonly loader: Loader = loadInline,
    private readonly keys?: AgeKeys,
  ) {}

  /** The snapshot's environment; a file that could not be read is a problem at its line 1. */
  snapshot(snapshot: Snapshot): Promise<Loaded> {
    if (snapshot.unreadable !== undefined) {
      return Promise.resolve({
        ok: false,
        problems: [unreadable(snapshot.file, snapshot.unreadable)],
      });
    }
    return this.text(snapshot.bytes ?? '', snapshot.file, snapshot.secrets);
  }

  /** The environment in `bytes`, with the secrets of `secrets` (its secrets file) when given. */
  text(bytes: Uint8Array | string, file: string, secrets?: string): Promise<Loaded> {
    if (typeof bytes !== 'string') return this.load(bytes, file, secrets);
    const key = `${file}\u0000${bytes}\u0000${secrets ?? ''}`;
    let loaded = this.loads.get(key);
    if (loaded === undefined) {
      loaded = this.load(bytes, file, secrets);
      this.loads.set(key, loaded);
    }
    return loaded;
  }

  private async load(
    bytes: Uint8Array | string,
    file: string,
    secrets: string | undefined,
  ): Promise<Loaded> {
    const loaded = await this.loader(bytes, file);
    if (!loaded.ok || secrets === undefined) return loaded;
    this.keyring ??= this.keys?.() ?? Promise.resolve(EMPTY_KEYRING);
    return fillSecrets({
      env: loaded.env,
      envText: typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'),
      envFile: file,
      secrets,
      keyring: await this.keyring,
    });
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
