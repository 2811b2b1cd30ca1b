import { randomBytes } from 'node:crypto';

import { armor, Decrypter, Encrypter } from 'age-encryption';

import type { AgeKeyring } from './age-keyring.js';
import type { AgeRecipientEntry } from './sops-metadata.js';

/** The length of a SOPS data key: AES-256. */
export const DATA_KEY_BYTES = 32;

/** Why the data key of a file could not be had; names keys, never any secret. */
export type DataKeyFailure =
  /** The file is encrypted to no age recipient (only PGP, KMS, ...). */
  | { reason: 'no-age-recipient' }
  /** No identity was found anywhere. */
  | { reason: 'no-identity' }
  /** Identities were found, but none is one of the file's recipients. */
  | { reason: 'wrong-key' }
  /** An identity matched, but its entry does not decrypt to a data key: the file is damaged. */
  | { reason: 'damaged'; recipient: string };

/** A fresh random data key. */
export function newDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}

/**
 * The data key of a file from its age entries, with the first identity that opens one (each
 * identity is tried on each entry, as sops does).
 */
export async function openDataKey(
  entries: readonly AgeRecipientEntry[],
  keyring: AgeKeyring,
): Promise<
  { ok: true; key: Uint8Array; recipient: string } | { ok: false; failure: DataKeyFailure }
> {
  if (entries.length === 0) return { ok: false, failure: { reason: 'no-age-recipient' } };
  if (keyring.identities.length === 0) return { ok: false, failure: { reason: 'no-identity' } };
  const decrypter = new Decrypter();
  for (const { identity } of keyring.identities) decrypter.addIdentity(identity);
  const ours = new Set(keyring.identities.map((i) => i.recipient));
  let damaged: string | undefined;
  // The entries of the keys at hand first: the others are tried in case a recipient is mislabelled.
  const ordered = [...entries].sort(
    (a, b) => Number(ours.has(b.recipient)) - Number(ours.has(a.recipient)),
  );
  for (const entry of ordered) {
    let file: Uint8Array;
    try {
      file = armor.decode(entry.enc);
    } catch {
      if (ours.has(entry.recipient)) damaged ??= entry.recipient;
      continue;
    }
    try {
      const key = await decrypter.decrypt(file);
      if (key.byteLength === DATA_KEY_BYTES) return { ok: true, key, recipient: entry.recipient };
      damaged ??= entry.recipient;
    } catch (error) {
      const noMatch = error instanceof Error && /no identity matched/i.test(error.message);
      if (!noMatch) damaged ??= entry.recipient;
    }
  }
  return {
    ok: false,
    failure:
      damaged === undefined ? { reason: 'wrong-key' } : { reason: 'damaged', recipient: damaged },
  };
}

/** The data key encrypted to each recipient, as the `age:` entries of a file. */
export async function wrapDataKey(
  key: Uint8Array,
  recipients: readonly string[],
): Promise<AgeRecipientEntry[]> {
  const entries: AgeRecipientEntry[] = [];
  for (const recipient of recipients) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    entries.push({ recipient, enc: armor.encode(await encrypter.encrypt(key)) });
  }
  return entries;
}

/** True when `text` is an age X25519 recipient (`age1...`) that age accepts. */
export async function isAgeRecipient(text: string): Promise<boolean> {
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(text)) return false;
  try {
    const encrypter = new Encrypter();
    encrypter.addRecipient(text);
    await encrypter.encrypt(new Uint8Array(1));
    return true;
  } catch {
    return false;
  }
}
