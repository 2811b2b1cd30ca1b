import type { AgeKeys } from '../pass/load-stage.js';
import { updateRecipients } from '../secrets/update-recipients.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { recipientsFor } from './secrets-encrypt-command.js';
import { openUserFile, printProblems, writeInPlace } from './secrets-file-io.js';

/**
 * `dockstack secrets updatekeys FILE`: the file's data key encrypted to the recipients its
 * `.sops.yaml` creation rule names now, in place (values and MAC unchanged), as `sops
 * updatekeys` does.
 */
export async function secretsUpdatekeysCommand(
  file: string,
  keys: AgeKeys,
  out: Output,
): Promise<ExitCode> {
  const target = await recipientsFor(file, undefined, out);
  if (target === undefined) return EXIT.invalid;
  const opened = await openUserFile(file, keys, out);
  if (typeof opened === 'number') return opened;
  const updated = await updateRecipients(opened, target.recipients);
  if (!updated.ok) return printProblems(updated.problems, out, EXIT.invalid);
  if (updated.added.length === 0 && updated.removed.length === 0) {
    out.stderr(`${file} is already encrypted to ${target.recipients.join(', ')}\n`);
    return EXIT.ok;
  }
  writeInPlace(file, updated.text);
  const change = [
    ...updated.added.map((r) => `+ ${r}`),
    ...updated.removed.map((r) => `- ${r}`),
  ].join(', ');
  out.stderr(`updated the recipients of ${file}: ${change}\n`);
  return EXIT.ok;
}
