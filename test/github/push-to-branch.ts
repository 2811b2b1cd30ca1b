import { git, type RemoteFixture } from '../git/git-fixture.js';

/**
 * Commits `files` on `branch` in the person's clone (branching from main when it is new), pushes
 * the branch and returns its new head. The clone is left on `branch`.
 */
export function pushToBranch(
  remote: RemoteFixture,
  branch: string,
  files: Record<string, string>,
  message: string,
): string {
  const exists = git(remote.clone, ['branch', '--list', branch]) !== '';
  git(
    remote.clone,
    exists ? ['checkout', '--quiet', branch] : ['checkout', '--quiet', '-b', branch, 'main'],
  );
  return remote.push(files, message);
}
