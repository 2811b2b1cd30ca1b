import type { AgeKeys } from '../pass/load-stage.js';
import { rotateDataKey } from '../secrets/rotate-data-key.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { openUserFile, printProblems, writeInPlace } from './secrets-file-io.js';

/**
 * `dockstack secrets rotate FILE`: the file encrypted again with a new data key (same values,
 * same recipients, new MAC), in place.
 */
export async function secretsRotateCommand(
  file: string,
  keys: AgeKeys,
  out: Output,
  now: Date = new Date(),
): Promise<ExitCode> {
  const opened = await openUserFile(file, keys, out);
  if (typeof opened === 'number') return opened;
  const rotated = await rotateDataKey(opened, now);
  if (!rotated.ok) return printProblems(rotated.problems, out, EXIT.invalid);
  writeInPlace(file, rotated.text);
  out.stderr(`rotated the data key of ${file}\n`);
  return EXIT.ok;
}
