import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parse, stringify } from 'yaml';

import { SECRET_KEYS } from '../../src/environment/schema.js';
import { encryptPlain } from '../../src/secrets/encrypt-plain.js';

/** An env repo whose secrets are only in secrets.sops.yaml, and the key the daemon opens it with. */
export interface EncryptedSecrets {
  /** The environment file, without a secret. */
  environment: string;
  /** The files beside it: secrets.sops.yaml and .sops.yaml. */
  files: Record<string, string>;
  /** The age identity file (outside the repo) to give the daemon as SOPS_AGE_KEY_FILE. */
  keyFile: string;
  recipient: string;
}

/**
 * Moves the secret fields of `common` out of an environment file into an encrypted
 * secrets.sops.yaml (to a new age key, whose identity file is written into `dir`), with the
 * values given instead of the seed's.
 */
export async function encryptedSecrets(
  environment: string,
  values: Record<string, string>,
  dir: string,
): Promise<EncryptedSecrets> {
  const raw = parse(environment) as { common: Record<string, unknown>; [key: string]: unknown };
  const common = Object.fromEntries(
    Object.entries(raw.common).filter(([key]) => !SECRET_KEYS.has(key)),
  );
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const keyFile = join(dir, 'age-key.txt');
  writeFileSync(keyFile, `${identity}\n`, { mode: 0o600 });
  const sealed = await encryptPlain({
    text: stringify({ common: values }),
    file: 'secrets.sops.yaml',
    recipients: [recipient],
    rules: {},
    now: new Date(),
  });
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
  return {
    environment: stringify({ ...raw, common }),
    files: {
      'secrets.sops.yaml': sealed.text,
      '.sops.yaml': `creation_rules:\n  - path_regex: secrets\\.sops\\.yaml$\n    age: ${recipient}\n`,
    },
    keyFile,
    recipient,
  };
}
