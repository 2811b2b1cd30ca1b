import { readFileSync } from 'node:fs';

import { formatProblem, type Problem } from '../environment/problem.js';
import type { AgeKeys } from '../pass/load-stage.js';
import { openRead, type OpenedSopsFile } from '../secrets/open-sops-file.js';
import { readSopsFile } from '../secrets/read-sops-file.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';

/** Prints problems as FILE:LINE:COL: message (hint); the exit code given. */
export function printProblems(problems: readonly Problem[], out: Output, code: ExitCode): ExitCode {
  for (const problem of problems) out.stderr(`${formatProblem(problem)}\n`);
  return code;
}

/** The text of a file the user named, or the exit code of invalid input (printed). */
export function readUserFile(path: string, out: Output): string | ExitCode {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    out.stderr(
      `dockstack: ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}\n`,
    );
    return EXIT.invalid;
  }
}

/**
 * An encrypted file opened with the command's identities, or the exit code, its problems printed:
 * 2 when the file is not a SOPS file at all, 1 when it does not decrypt (no or wrong key, a value
 * or the MAC changed).
 */
export async function openUserFile(
  path: string,
  keys: AgeKeys,
  out: Output,
): Promise<OpenedSopsFile | ExitCode> {
  const text = readUserFile(path, out);
  if (typeof text !== 'string') return text;
  const read = readSopsFile(text, path);
  if (!read.ok) return printProblems(read.problems, out, EXIT.invalid);
  const opening = await openRead(read.sops, await keys());
  if (!opening.ok) return printProblems(opening.problems, out, EXIT.failed);
  return opening.opened;
}

/** Writes `text` over `path` atomically; readers see the old file or the new one. */
export function writeInPlace(path: string, text: string): void {
  writeFileAtomic(path, text);
}
