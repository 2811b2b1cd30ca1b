import type { AgeKeys } from '../pass/load-stage.js';
import { plainDocument } from '../secrets/plain-document.js';
import { sopsText } from '../secrets/seal-document.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { openUserFile } from './secrets-file-io.js';

/**
 * `dockstack secrets decrypt FILE`: the file's plain YAML to stdout, as `sops -d` prints it, once
 * its MAC matches; nothing is written to disk. Exit 1 when it does not decrypt, with no value.
 */
export async function secretsDecryptCommand(
  file: string,
  keys: AgeKeys,
  out: Output,
): Promise<ExitCode> {
  const opened = await openUserFile(file, keys, out);
  if (typeof opened === 'number') return opened;
  plainDocument(opened);
  out.stdout(sopsText(opened.sops.doc));
  return EXIT.ok;
}
