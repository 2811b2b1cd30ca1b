import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

import { checkPath } from './git-input.js';

/**
 * The text of `file` as committed at HEAD in the git working tree it lies in; undefined when it is
 * not in one, or not committed. A local read (`git show`), nothing fetched.
 */
export function committedText(file: string): string | undefined {
  try {
    return execFileSync('git', ['show', `HEAD:./${basename(file)}`], {
      cwd: dirname(file),
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? '/',
        LC_ALL: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

/**
 * True when the files at `paths` (relative to the working tree `dir`, checked as checkPath does)
 * are in the working tree as committed at HEAD; false when one differs, or git cannot tell. A
 * local comparison (`git diff --quiet`), nothing fetched.
 */
export function sameAsCommitted(dir: string, paths: readonly string[]): boolean {
  const checked = paths.map((path) => checkPath(path));
  try {
    execFileSync('git', ['diff', '--quiet', 'HEAD', '--', ...checked], {
      cwd: dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
