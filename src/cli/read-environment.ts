import { openSync, closeSync, readSync, fstatSync } from 'node:fs';

import { loadEnvironment, MAX_BYTES, type LoadResult } from '../environment/load-environment.js';
import { formatProblem, type Problem } from '../environment/problem.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';

/**
 * Reads and validates an environment file from disk. Reads at most MAX_BYTES + 1 bytes, so a huge
 * file is refused without being loaded; an unreadable file is a problem, not an exception.
 */
export type ReadResult =
  (Extract<LoadResult, { ok: true }> & { text: string }) | Extract<LoadResult, { ok: false }>;

export function readEnvironment(path: string): ReadResult {
  let bytes: Uint8Array;
  try {
    bytes = readCapped(path, MAX_BYTES + 1);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const problem: Problem = {
      file: path,
      line: 1,
      col: 1,
      message: code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`,
      hint:
        code === 'ENOENT'
          ? 'give the path of the environment file with --env'
          : 'check the path and its permissions',
    };
    return { ok: false, problems: [problem] };
  }
  const result = loadEnvironment(bytes, { file: path });
  return result.ok ? { ...result, text: Buffer.from(bytes).toString('utf8') } : result;
}

function readCapped(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const n = readSync(fd, buffer, length, limit - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Prints every problem as FILE:LINE:COL: message, and gives the exit code of invalid input. */
export function reportProblems(problems: readonly Problem[], out: Output): ExitCode {
  for (const problem of problems) out.stderr(`${formatProblem(problem)}\n`);
  return EXIT.invalid;
}
