import type { Scalar } from 'yaml';

import type { Problem } from '../environment/problem.js';
import type { AgeKeyring } from './age-keyring.js';
import { openDataKey } from './data-key.js';
import { additionalDataOf, isEncryptedPath } from './encryption-rules.js';
import { keyProblem } from './key-problem.js';
import { readSopsFile, type SopsFile } from './read-sops-file.js';
import { sameMac, sopsMac } from './sops-mac.js';
import { sopsScalarOf } from './sops-scalar.js';
import { macAdditionalData } from './sops-time.js';
import { decryptValue, isEncryptedValue, type SopsScalar } from './sops-value.js';

/** A value of an opened file: its path, its plain value (in memory only), where it is written. */
export interface OpenedValue {
  path: string[];
  value: SopsScalar;
  node: Scalar;
  encrypted: boolean;
}

/** A file whose data key opened, every value decrypted and the MAC checked. */
export interface OpenedSopsFile {
  sops: SopsFile;
  key: Uint8Array;
  values: OpenedValue[];
}

export type Opening = { ok: true; opened: OpenedSopsFile } | { ok: false; problems: Problem[] };

/**
 * Decrypts a SOPS file with the identities of `keyring`: its data key, each value (bound to its
 * path), then its MAC, which must match the values. Every failure is a problem that names the
 * file, the place and what failed (a missing or wrong key, a value changed or moved, a MAC that
 * does not match), never a value.
 */
export async function openSopsFile(
  source: string | Uint8Array,
  file: string,
  keyring: AgeKeyring,
): Promise<Opening> {
  const read = readSopsFile(source, file);
  if (!read.ok) return read;
  return openRead(read.sops, keyring);
}

/** As openSopsFile, for a file already read. */
export async function openRead(sops: SopsFile, keyring: AgeKeyring): Promise<Opening> {
  const dataKey = await openDataKey(sops.recipients, keyring);
  if (!dataKey.ok) return { ok: false, problems: [keyProblem(sops, dataKey.failure, keyring)] };
  return openWithKey(sops, dataKey.key);
}

/**
 * Decrypts the values of a file read with its data key (however it was had) and checks its MAC.
 */
export function openWithKey(sops: SopsFile, key: Uint8Array): Opening {
  const problems: Problem[] = [];
  const values: OpenedValue[] = [];
  for (const leaf of sops.tree.leaves) {
    const place = { file: sops.file, ...sops.at(leaf.node.range?.[0] ?? 0) };
    const name = leaf.path.join('.');
    const encrypted = isEncryptedPath(leaf.path, sops.rules);
    if (!encrypted) {
      const value = sopsScalarOf(leaf.node);
      if (value !== undefined) values.push({ ...leaf, value, encrypted });
      continue;
    }
    const raw: unknown = leaf.node.value;
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== 'string' || (raw !== '' && !isEncryptedValue(raw))) {
      problems.push({
        ...place,
        message: `${name} is not encrypted, though the file's rules say it must be`,
        hint: `a plain value was written into the encrypted file: set it with dockstack secrets set ${sops.file} ${name}`,
      });
      continue;
    }
    const value = decryptValue(raw, key, additionalDataOf(leaf.path));
    if ('reason' in value) {
      problems.push({
        ...place,
        message:
          value.reason === 'authentication'
            ? `${name} does not decrypt: its value was changed, or moved from another key or file`
            : value.reason === 'type'
              ? `${name} has a type sops does not write ('${value.type}')`
              : `${name} is not a well-formed encrypted value`,
        hint: `take ${sops.file} from a commit you trust (git checkout), or set the value anew with dockstack secrets set ${sops.file} ${name}`,
      });
      continue;
    }
    values.push({ ...leaf, value, encrypted });
  }
  if (problems.length > 0) return { ok: false, problems };
  const mac = decryptValue(sops.metadata.mac, key, macAdditionalData(sops.metadata.lastmodified));
  const macProblem = (message: string): Opening => ({
    ok: false,
    problems: [
      {
        file: sops.file,
        ...sops.metadataAt,
        message,
        hint: `take ${sops.file} from a commit you trust (git checkout); a file changed outside sops and dockstack secrets is not trusted`,
      },
    ],
  });
  if ('reason' in mac) return macProblem('the MAC of the file does not decrypt: it was changed');
  if (!sameMac(mac.text, sopsMac(values, sops.rules))) {
    return macProblem(
      "the file's MAC does not match its values: a value was changed, added, removed or reordered",
    );
  }
  return { ok: true, opened: { sops, key, values } };
}
