import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { AgeKeyring } from './age-keyring.js';
import { environmentSecrets, secretsPath } from './environment-secrets.js';
import { mergeSecrets } from './merge-secrets.js';
import { openSopsFile } from './open-sops-file.js';

export interface FillSecrets {
  /** The environment as its file gives it, valid. */
  env: Environment;
  envText: string;
  /** How problems name the environment file (its secrets file is named beside it). */
  envFile: string;
  /** The secrets file's text. */
  secrets: string | Uint8Array;
  keyring: AgeKeyring;
}

/**
 * The environment with the secrets of its secrets file: the file decrypted with the keyring's
 * identities, its MAC checked, its layout checked, its secrets merged in. The decrypted values
 * stay in the returned environment, in memory; every failure is a problem that names no value.
 */
export async function fillSecrets(
  input: FillSecrets,
): Promise<{ ok: true; env: Environment } | { ok: false; problems: Problem[] }> {
  const secretsFile = secretsPath(input.envFile);
  const opening = await openSopsFile(input.secrets, secretsFile, input.keyring);
  if (!opening.ok) return opening;
  const read = environmentSecrets(opening.opened);
  if (!read.ok) return read;
  return mergeSecrets({
    env: input.env,
    envText: input.envText,
    envFile: input.envFile,
    secretsFile,
    entries: read.entries,
  });
}
