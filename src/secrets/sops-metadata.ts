import { z } from 'zod';

import { ruleCount, withDefaultRule, type EncryptionRules } from './encryption-rules.js';

/** One age recipient of a SOPS file: its public key and the data key encrypted to it. */
export const AgeRecipientEntry = z.object({
  recipient: z.string().regex(/^age1[0-9a-z]+$/, 'expected an age recipient (age1...)'),
  enc: z
    .string()
    .includes('-----BEGIN AGE ENCRYPTED FILE-----', 'expected the data key as an armored age file'),
});
export type AgeRecipientEntry = z.infer<typeof AgeRecipientEntry>;

const KeyList = z.array(z.unknown()).nullable().optional();

const KeyGroup = z.looseObject({ age: z.array(AgeRecipientEntry).nullable().optional() });

/**
 * The `sops:` block of an encrypted file, as sops writes it (3.x). Fields of key types other than
 * age are kept but not used.
 */
export const SopsMetadata = z.looseObject({
  age: z.array(AgeRecipientEntry).nullable().optional(),
  key_groups: z.array(KeyGroup).nullable().optional(),
  shamir_threshold: z.int().optional(),
  kms: KeyList,
  gcp_kms: KeyList,
  azure_kv: KeyList,
  hc_vault: KeyList,
  pgp: KeyList,
  lastmodified: z
    .string()
    .regex(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
      'expected an RFC 3339 time such as 2026-01-02T03:04:05Z',
    ),
  mac: z.string().min(1),
  unencrypted_suffix: z.string().optional(),
  encrypted_suffix: z.string().optional(),
  unencrypted_regex: z.string().optional(),
  encrypted_regex: z.string().optional(),
  mac_only_encrypted: z.boolean().optional(),
  version: z.string().optional(),
});
export type SopsMetadata = z.infer<typeof SopsMetadata>;

/** The key types other than age a file may name; dockstack reads them but cannot use them. */
export const OTHER_KEY_TYPES = ['kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'pgp'] as const;

/** What dockstack reads of a file's metadata, or why it cannot. */
export type MetadataReading =
  | { ok: true; recipients: AgeRecipientEntry[]; rules: EncryptionRules; others: string[] }
  | { ok: false; message: string; hint: string };

/**
 * The age recipients of a file and the rules that say which of its values are encrypted. Files
 * whose data key is split between key groups (Shamir's scheme) or that use comment rules are
 * refused: dockstack does not read them.
 */
export function readMetadata(metadata: SopsMetadata): MetadataReading {
  const groups = metadata.key_groups ?? [];
  if (groups.length > 1) {
    return {
      ok: false,
      message: `the data key is split between ${groups.length} key groups (Shamir's scheme), which dockstack does not read`,
      hint: 'encrypt the file to one group of age recipients: dockstack secrets updatekeys with a single age rule in .sops.yaml',
    };
  }
  for (const field of ['unencrypted_comment_regex', 'encrypted_comment_regex']) {
    if (metadata[field] !== undefined) {
      return {
        ok: false,
        message: `the file uses ${field}, which dockstack does not read`,
        hint: 'encrypt it again without comment rules',
      };
    }
  }
  const rules: EncryptionRules = {
    ...(metadata.unencrypted_suffix === undefined
      ? {}
      : { unencryptedSuffix: metadata.unencrypted_suffix }),
    ...(metadata.encrypted_suffix === undefined
      ? {}
      : { encryptedSuffix: metadata.encrypted_suffix }),
    ...(metadata.unencrypted_regex === undefined
      ? {}
      : { unencryptedRegex: metadata.unencrypted_regex }),
    ...(metadata.encrypted_regex === undefined ? {} : { encryptedRegex: metadata.encrypted_regex }),
    ...(metadata.mac_only_encrypted === true ? { macOnlyEncrypted: true } : {}),
  };
  if (ruleCount(rules) > 1) {
    return {
      ok: false,
      message:
        'the file sets more than one of unencrypted_suffix, encrypted_suffix, unencrypted_regex and encrypted_regex',
      hint: 'sops allows one of them: keep the one the file was encrypted with',
    };
  }
  for (const regex of [rules.unencryptedRegex, rules.encryptedRegex]) {
    if (regex === undefined) continue;
    try {
      new RegExp(regex);
    } catch {
      return {
        ok: false,
        message: 'the encryption regex of the file is not a valid regular expression',
        hint: 'fix unencrypted_regex or encrypted_regex in the sops block',
      };
    }
  }
  const recipients = [...(metadata.age ?? []), ...(groups[0]?.age ?? [])];
  const others = OTHER_KEY_TYPES.filter((type) => (metadata[type] ?? []).length > 0).map(String);
  for (const group of groups) {
    for (const [type, keys] of Object.entries(group)) {
      if (type !== 'age' && Array.isArray(keys) && keys.length > 0) others.push(type);
    }
  }
  return { ok: true, recipients, rules: withDefaultRule(rules), others };
}
