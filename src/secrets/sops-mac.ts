import { createHash, timingSafeEqual } from 'node:crypto';

import { isEncryptedPath, type EncryptionRules } from './encryption-rules.js';
import type { SopsScalar } from './sops-value.js';

/** What the MAC starts from when it covers only the encrypted values: SHA-256 of `sops`. */
const MAC_ONLY_ENCRYPTED_START = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

/** A plain value of the tree, in the order sops walks it. */
export interface MacInput {
  path: readonly string[];
  value: SopsScalar;
}

/**
 * The MAC sops keeps of a file's plain values, before it is encrypted: SHA-512 over each value's
 * bytes in order (comments left out; only the encrypted ones with `mac_only_encrypted`), in
 * upper-case hex. It covers the values and their order, so a value removed, added or swapped
 * changes it.
 */
export function sopsMac(values: readonly MacInput[], rules: EncryptionRules): string {
  const hash = createHash('sha512');
  if (rules.macOnlyEncrypted === true) hash.update(MAC_ONLY_ENCRYPTED_START);
  for (const { path, value } of values) {
    if (value.type === 'comment') continue;
    if (rules.macOnlyEncrypted === true && !isEncryptedPath(path, rules)) continue;
    hash.update(value.text, 'utf8');
  }
  return hash.digest('hex').toUpperCase();
}

/** True when two MACs (hex, any case) are the same, compared in constant time. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return /^[0-9a-f]+$/i.test(a) && x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
