import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { GitError } from './git-error.js';
import { ALLOWED_SIGNERS } from './own-commit.js';
import type { GitContext } from './run-git.js';
import { runGitOk } from './run-git.js';
import { claimWorkingClone, removeLeftovers, TEMP_INDEX_PREFIX } from './working-clone-locks.js';

/** What a bare repository made by `git init --bare` and used by dockstack may hold. */
const KNOWN = new Set([
  'HEAD',
  'config',
  'description',
  'hooks',
  'info',
  'objects',
  'refs',
  'branches',
  'logs',
  'packed-refs',
  'shallow',
  'FETCH_HEAD',
  'ORIG_HEAD',
  ALLOWED_SIGNERS,
]);

const isKnown = (name: string): boolean =>
  KNOWN.has(name) ||
  name.endsWith('.lock') ||
  name.startsWith('dockstack-owner') ||
  name.startsWith(TEMP_INDEX_PREFIX);

/**
 * Makes the working clone ready for the next command: creates the folder and claims it (first
 * time), creates the bare repository unless it is complete (`git init` again finishes one a kill
 * interrupted), and removes what a killed git left behind. Refuses a folder that holds anything
 * else, so a wrong path never turns someone's files into a repository.
 */
export async function prepareWorkingClone(
  context: GitContext,
  timeoutMs: number,
  state: { claimed: boolean },
): Promise<void> {
  const dir = context.cwd;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!state.claimed) {
    const foreign = readdirSync(dir).filter((name) => !isKnown(name));
    if (foreign.length > 0) {
      throw new GitError(
        'invalid',
        `${dir} is not a working clone of dockstack: it holds ${foreign.slice(0, 5).join(', ')}`,
      );
    }
    claimWorkingClone(dir);
    state.claimed = true;
  }
  const removed = removeLeftovers(dir);
  if (removed.length > 0) {
    context.log?.warn({ removed }, 'removed what an interrupted git left in the working clone');
  }
  if (!['HEAD', 'config', 'objects', 'refs'].every((name) => existsSync(join(dir, name)))) {
    await runGitOk(context, ['init', '--bare', '--quiet'], { timeoutMs });
  }
}
