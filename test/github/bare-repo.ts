import { git, tempDir } from '../git/git-fixture.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** A commit as GitHub's push payload lists it. */
export interface PushedCommit {
  id: string;
  tree_id: string;
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
  added: string[];
  removed: string[];
  modified: string[];
}

/** The full sha of the commit `rev` names in the bare repository, or undefined. */
export function resolveCommit(bare: string, rev: string): string | undefined {
  if (rev.startsWith('-')) return undefined;
  try {
    return git(bare, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    return undefined;
  }
}

/**
 * `sha` when it is a full commit sha (40 hex digits) of the bare repository: what GitHub's
 * statuses and check runs take, where a branch name or an abbreviation is refused.
 */
export function existingSha(bare: string, sha: string): string | undefined {
  return /^[0-9a-f]{40}$/.test(sha) ? resolveCommit(bare, sha) : undefined;
}

/** The head of `refs/heads/BRANCH`, or undefined when there is no such branch. */
export function branchHead(bare: string, branch: string): string | undefined {
  return resolveCommit(bare, `refs/heads/${branch}`);
}

/** Every branch and its head. */
export function branchHeads(bare: string): Map<string, string> {
  const lines = git(bare, [
    'for-each-ref',
    '--format=%(refname:strip=2) %(objectname)',
    'refs/heads',
  ]);
  return new Map(
    lines
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(' ') as [string, string]),
  );
}

export function setRef(bare: string, ref: string, sha: string): void {
  git(bare, ['update-ref', ref, sha]);
}

export function isAncestor(bare: string, ancestor: string, of: string): boolean {
  try {
    git(bare, ['merge-base', '--is-ancestor', ancestor, of]);
    return true;
  } catch {
    return false;
  }
}

/** The commits `after` adds to `before`, oldest first, at most 20 (as GitHub lists them). */
export function commitsBetween(bare: string, before: string, after: string): PushedCommit[] {
  if (after === ZERO_SHA) return [];
  const range = before === ZERO_SHA ? [after, '--max-count=1'] : [`${before}..${after}`];
  return git(bare, ['rev-list', '--reverse', '--max-count=20', ...range])
    .split('\n')
    .filter((line) => line !== '')
    .map((sha) => pushedCommit(bare, sha));
}

export function pushedCommit(bare: string, sha: string): PushedCommit {
  const format = ['%H', '%T', '%aI', '%an', '%ae', '%cn', '%ce', '%B'].join('%x00');
  const [id = sha, tree = '', date = '', an = '', ae = '', cn = '', ce = '', message = ''] = git(
    bare,
    ['show', '--no-patch', `--format=${format}`, sha],
  ).split('\0');
  const changes = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  const diff = git(bare, [
    'diff-tree',
    '-r',
    '--no-commit-id',
    '--name-status',
    '--root',
    '-m',
    '--first-parent',
    sha,
  ]);
  for (const line of diff.split('\n')) {
    const [kind, path] = line.split('\t');
    if (path === undefined) continue;
    if (kind === 'A') changes.added.push(path);
    else if (kind === 'D') changes.removed.push(path);
    else changes.modified.push(path);
  }
  return {
    id,
    tree_id: tree,
    message: message.trimEnd(),
    timestamp: date,
    author: { name: an, email: ae },
    committer: { name: cn, email: ce },
    ...changes,
  };
}

/**
 * Merges `ref` (`refs/pull/N/head`) into `base` with a merge commit (`--no-ff`), as GitHub's
 * merge button does, from a temporary clone as the test author; pushes it and returns the merge
 * commit.
 */
export function mergeNoFf(bare: string, base: string, ref: string, message: string): string {
  const work = tempDir();
  try {
    git(work.path, ['clone', '--quiet', '--branch', base, bare, 'clone']);
    const clone = `${work.path}/clone`;
    git(clone, ['fetch', '--quiet', 'origin', ref]);
    git(clone, ['merge', '--quiet', '--no-ff', '--no-edit', '-m', message, 'FETCH_HEAD']);
    git(clone, ['push', '--quiet', 'origin', `HEAD:refs/heads/${base}`]);
    return git(clone, ['rev-parse', 'HEAD']);
  } finally {
    work.remove();
  }
}
