/**
 * Which values of a SOPS file are encrypted, as its metadata says: at most one of the four rules
 * (sops refuses more), `unencrypted_suffix: _unencrypted` when none is given.
 */
export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  /** The MAC covers only the encrypted values (sops 3.10's `mac_only_encrypted`). */
  macOnlyEncrypted?: boolean;
}

export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/** The rules' fields as the metadata names them, for messages. */
export const RULE_FIELDS = {
  unencryptedSuffix: 'unencrypted_suffix',
  encryptedSuffix: 'encrypted_suffix',
  unencryptedRegex: 'unencrypted_regex',
  encryptedRegex: 'encrypted_regex',
} as const;

/** How many of the four rules are set: sops allows one at most. */
export function ruleCount(rules: EncryptionRules): number {
  return Object.keys(RULE_FIELDS).filter(
    (field) => (rules[field as keyof typeof RULE_FIELDS] ?? '') !== '',
  ).length;
}

/** The rules with sops's default when none is set. */
export function withDefaultRule(rules: EncryptionRules): EncryptionRules {
  return ruleCount(rules) === 0
    ? { ...rules, unencryptedSuffix: DEFAULT_UNENCRYPTED_SUFFIX }
    : rules;
}

/**
 * Whether the value at `path` (its keys, from the top) is encrypted, as sops decides it: a key on
 * the path ending with the unencrypted suffix (or matching the unencrypted regex) leaves it plain;
 * with an encrypted suffix or regex, only values below a key that has it are encrypted.
 */
export function isEncryptedPath(path: readonly string[], rules: EncryptionRules): boolean {
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex } = rules;
  let encrypted = true;
  if (unencryptedSuffix !== undefined && unencryptedSuffix !== '') {
    if (path.some((key) => key.endsWith(unencryptedSuffix))) encrypted = false;
  }
  if (encryptedSuffix !== undefined && encryptedSuffix !== '') {
    encrypted = path.some((key) => key.endsWith(encryptedSuffix));
  }
  if (unencryptedRegex !== undefined && unencryptedRegex !== '') {
    const regex = new RegExp(unencryptedRegex);
    if (path.some((key) => regex.test(key))) encrypted = false;
  }
  if (encryptedRegex !== undefined && encryptedRegex !== '') {
    const regex = new RegExp(encryptedRegex);
    encrypted = path.some((key) => regex.test(key));
  }
  return encrypted;
}

/** The additional data a value at `path` is encrypted with: its keys joined by `:`, then `:`. */
export function additionalDataOf(path: readonly string[]): string {
  return `${path.join(':')}:`;
}
