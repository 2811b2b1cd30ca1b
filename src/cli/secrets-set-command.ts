import type { AgeKeys } from '../pass/load-stage.js';
import { secretKeyPath } from '../secrets/secret-key-path.js';
import { setSecret } from '../secrets/set-secret.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { openUserFile, printProblems, writeInPlace } from './secrets-file-io.js';

/** The longest value `set` reads from stdin. */
const MAX_VALUE_BYTES = 64 * 1024;

/**
 * `dockstack secrets set FILE KEY`: the value read from stdin (one final newline dropped) becomes
 * the value at KEY, encrypted with the file's data key; the file gets a new MAC and is written
 * in place. The value is never printed.
 */
export async function secretsSetCommand(
  file: string,
  key: string,
  keys: AgeKeys,
  out: Output,
  now: Date = new Date(),
): Promise<ExitCode> {
  const path = secretKeyPath(key);
  if (path === undefined) {
    out.stderr(
      `dockstack: '${key}' is not a key path (expected common.galera_password or ["common"]["galera_password"])\n`,
    );
    return EXIT.invalid;
  }
  if (out.stdin === undefined) {
    out.stderr('dockstack: no standard input to read the value from\n');
    return EXIT.invalid;
  }
  const input = await out.stdin(MAX_VALUE_BYTES + 1);
  if (Buffer.byteLength(input) > MAX_VALUE_BYTES) {
    out.stderr(`dockstack: the value on stdin is longer than ${MAX_VALUE_BYTES} bytes\n`);
    return EXIT.invalid;
  }
  const value = input.replace(/\r?\n$/, '');
  const opened = await openUserFile(file, keys, out);
  if (typeof opened === 'number') return opened;
  const set = setSecret(opened, path, value, now);
  if (!set.ok) return printProblems(set.problems, out, EXIT.invalid);
  writeInPlace(file, set.text);
  out.stderr(`set ${path.join('.')} in ${file}\n`);
  return EXIT.ok;
}
