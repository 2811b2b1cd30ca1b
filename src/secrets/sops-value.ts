import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The types a SOPS value is stored as (`type:` in `ENC[...]`). */
export type SopsType = 'str' | 'int' | 'int64' | 'float' | 'bool' | 'bytes' | 'comment';

/**
 * A leaf of a SOPS tree as the format sees it: its type and its text, the bytes that are
 * encrypted and hashed into the MAC (`True`/`False` for booleans, numbers in decimal).
 */
export interface SopsScalar {
  type: SopsType;
  text: string;
}

/** The length of the IV sops gives AES-GCM (32 bytes, not the usual 12). */
const IV_BYTES = 32;
const TAG_BYTES = 16;
const ENCRYPTED =
  /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:([a-z0-9]+)\]$/;
const TYPES: ReadonlySet<string> = new Set([
  'str',
  'int',
  'int64',
  'float',
  'bool',
  'bytes',
  'comment',
]);

/** True when `text` has the form of an encrypted SOPS value. */
export function isEncryptedValue(text: string): boolean {
  return ENCRYPTED.test(text);
}

/**
 * Encrypts one value with the data key, bound to `additionalData` (the value's path, `a:b:`, or
 * the `lastmodified` time for the MAC). An empty string stays empty, as sops leaves it. `iv` is
 * for tests and for keeping a value's ciphertext when nothing about it changed.
 */
export function encryptValue(
  value: SopsScalar,
  key: Uint8Array,
  additionalData: string,
  iv: Uint8Array = randomBytes(IV_BYTES),
): string {
  if (value.text === '' && (value.type === 'str' || value.type === 'comment')) return '';
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(value.text, 'utf8'), cipher.final()]);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${value.type}]`;
}

/** Why a value did not decrypt; the value itself is never part of it. */
export type ValueFailure =
  { reason: 'malformed' } | { reason: 'type'; type: string } | { reason: 'authentication' };

/**
 * Decrypts one `ENC[AES256_GCM,...]` value bound to `additionalData`; an empty string is the
 * empty string. A value changed by one character, moved to another path or decrypted with another
 * data key fails authentication.
 */
export function decryptValue(
  text: string,
  key: Uint8Array,
  additionalData: string,
): SopsScalar | ValueFailure {
  if (text === '') return { type: 'str', text: '' };
  const match = ENCRYPTED.exec(text);
  if (match === null) return { reason: 'malformed' };
  const [, data = '', iv = '', tag = '', type = ''] = match;
  if (!TYPES.has(type)) return { reason: 'type', type };
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  if (ivBytes.length === 0 || tagBytes.length !== TAG_BYTES) return { reason: 'malformed' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(tagBytes);
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
    return { type: type as SopsType, text: plain.toString('utf8') };
  } catch {
    return { reason: 'authentication' };
  }
}

/** The IV of an encrypted value, to encrypt it again unchanged; undefined when malformed. */
export function ivOf(text: string): Uint8Array | undefined {
  const iv = ENCRYPTED.exec(text)?.[2];
  return iv === undefined ? undefined : Buffer.from(iv, 'base64');
}
