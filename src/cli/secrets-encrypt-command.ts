import { creationRuleFor } from '../secrets/sops-config.js';
import { isAgeRecipient } from '../secrets/data-key.js';
import type { EncryptionRules } from '../secrets/encryption-rules.js';
import { encryptPlain } from '../secrets/encrypt-plain.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { printProblems, readUserFile, writeInPlace } from './secrets-file-io.js';

export interface EncryptOptions {
  /** `--age R1,R2`: the recipients, instead of `.sops.yaml`'s. */
  age?: string;
  inPlace?: boolean;
}

/**
 * The age recipients (and rules) a file is encrypted to: `--age`, else the creation rule of the
 * `.sops.yaml` nearest to it. Undefined, with the reason printed, when there are none or one is
 * not an age recipient.
 */
export async function recipientsFor(
  file: string,
  age: string | undefined,
  out: Output,
): Promise<{ recipients: string[]; rules: EncryptionRules } | undefined> {
  let recipients: string[];
  let rules: EncryptionRules = {};
  if (age !== undefined) {
    recipients = age
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
  } else {
    const lookup = creationRuleFor(file);
    if (!lookup.found) {
      out.stderr(
        `dockstack: no recipients for ${file}: ${lookup.reason ?? 'no .sops.yaml in its folder or above'} (give them with --age age1...,age1..., or in a creation rule of .sops.yaml)\n`,
      );
      return undefined;
    }
    recipients = lookup.rule.recipients;
    rules = lookup.rule.rules;
  }
  if (recipients.length === 0) {
    out.stderr('dockstack: --age names no recipient (expected age1...,age1...)\n');
    return undefined;
  }
  for (const recipient of recipients) {
    if (!(await isAgeRecipient(recipient))) {
      out.stderr(
        `dockstack: '${recipient}' is not an age recipient (age1..., as age-keygen -y prints it)\n`,
      );
      return undefined;
    }
  }
  return { recipients, rules };
}

/**
 * `dockstack secrets encrypt FILE`: a plain YAML file encrypted as sops does, to stdout, or over
 * the file with `--in-place`. Exit 2 for a file that is not YAML, already encrypted, or without
 * recipients.
 */
export async function secretsEncryptCommand(
  file: string,
  options: EncryptOptions,
  out: Output,
  now: Date = new Date(),
): Promise<ExitCode> {
  const text = readUserFile(file, out);
  if (typeof text !== 'string') return text;
  const target = await recipientsFor(file, options.age, out);
  if (target === undefined) return EXIT.invalid;
  const sealed = await encryptPlain({ text, file, ...target, now });
  if (!sealed.ok) return printProblems(sealed.problems, out, EXIT.invalid);
  if (options.inPlace === true) {
    writeInPlace(file, sealed.text);
    out.stderr(`encrypted ${file} to ${target.recipients.join(', ')}\n`);
  } else {
    out.stdout(sealed.text);
  }
  return EXIT.ok;
}
