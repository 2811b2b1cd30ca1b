import { execFileSync } from 'node:child_process';

import { checkBranch, checkPerson, type Person } from './git-input.js';

export interface InitRepo {
  branch: string;
  /** Who the first commit is by (set for these commands only, not in the repository's config). */
  author: Person;
  message: string;
}

/**
 * Makes the folder `dir` a git repository on `branch` with all it holds committed, and lets a
 * push to that checked-out branch update the working tree (`receive.denyCurrentBranch
 * updateInstead`): the daemon pushes its write-back commits there, and a clean working tree
 * follows them. Throws when a git command fails, with git's message.
 */
export function initRepo(dir: string, init: InitRepo): void {
  const branch = checkBranch(init.branch);
  const author = checkPerson(init.author);
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, ...args],
      {
        cwd: dir,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  git('init', '-q', '-b', branch);
  git('config', 'receive.denyCurrentBranch', 'updateInstead');
  git('add', '-A');
  git('commit', '-q', '-m', init.message);
}
