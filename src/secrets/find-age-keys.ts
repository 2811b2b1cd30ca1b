import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { joinKeyrings, readIdentities, type AgeKeyring } from './age-keyring.js';

export const SOPS_AGE_KEY_FILE = 'SOPS_AGE_KEY_FILE';
export const SOPS_AGE_KEY = 'SOPS_AGE_KEY';

/** Key files larger than this are refused: one identity is 74 bytes. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

export interface KeyPlaces {
  /** `--age-identity-file`: looked at first. */
  identityFile?: string;
  /** The process environment (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, XDG_CONFIG_HOME, HOME). */
  env: NodeJS.ProcessEnv;
}

/**
 * The user's sops key file, where sops looks for it on Linux: `$XDG_CONFIG_HOME/sops/age/keys.txt`,
 * else `$HOME/.config/sops/age/keys.txt`.
 */
export function userKeyFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME;
  const base =
    config !== undefined && config !== '' ? config : join(env.HOME ?? homedir(), '.config');
  return join(base, 'sops', 'age', 'keys.txt');
}

/**
 * The age identities dockstack decrypts with, from where sops users keep them, each place
 * that is set looked at in this order: `--age-identity-file`, the file `SOPS_AGE_KEY_FILE`
 * names, the identities in `SOPS_AGE_KEY`, then the user's sops key file. A place that is not
 * set is left out; one that is set but gives no identity is kept with its problem, for the
 * message that says what was tried.
 */
export async function findAgeKeys(places: KeyPlaces): Promise<AgeKeyring> {
  const found: AgeKeyring[] = [];
  const fromFile = async (path: string, name: string, optional: boolean) => {
    let text: string;
    try {
      const bytes = readFileSync(path);
      if (bytes.byteLength > MAX_KEY_FILE_BYTES) {
        found.push(problem(name, 'is larger than 1 MB: is this an age key file?'));
        return;
      }
      text = bytes.toString('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (!(optional && code === 'ENOENT')) {
        found.push(problem(name, code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`));
      }
      return;
    }
    const read = await readIdentities(text, name);
    found.push({ identities: read.identities, sources: [read.source] });
  };
  if (places.identityFile !== undefined) {
    await fromFile(places.identityFile, `--age-identity-file ${places.identityFile}`, false);
  }
  const keyFile = places.env[SOPS_AGE_KEY_FILE];
  if (keyFile !== undefined && keyFile !== '') {
    await fromFile(keyFile, `${SOPS_AGE_KEY_FILE} (${keyFile})`, false);
  }
  const keys = places.env[SOPS_AGE_KEY];
  if (keys !== undefined && keys !== '') {
    const read = await readIdentities(keys, SOPS_AGE_KEY);
    found.push({ identities: read.identities, sources: [read.source] });
  }
  const user = userKeyFile(places.env);
  await fromFile(user, user, true);
  if (found.every((k) => k.sources.every((s) => s.name !== user))) {
    found.push(problem(user, 'no such file'));
  }
  return joinKeyrings(found);
}

function problem(name: string, text: string): AgeKeyring {
  return { identities: [], sources: [{ name, recipients: [], problem: text }] };
}
