import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

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
