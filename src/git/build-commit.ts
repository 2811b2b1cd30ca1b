import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { GitError } from './git-error.js';
import type { Person } from './git-input.js';
import { checkSha } from './git-input.js';
import type { GitContext } from './run-git.js';
import { runGitOk } from './run-git.js';
import { TEMP_INDEX_PREFIX } from './working-clone-locks.js';

export interface CommitToBuild {
  parent: string;
  /** Checked repo paths -> content. */
  files: Record<string, string>;
  /** The complete message, trailers included. */
  message: string;
  author: Person;
}

const REGULAR = new Set(['100644', '100755']);

/**
 * Writes a commit without a working tree: the parent's tree is read into a temporary index of
 * its own, the files are written as blobs and set in it, the index is written as a tree and the
 * commit made with commit-tree. No ref moves; a kill at any point leaves only unreferenced
 * objects and a temporary index for the next run to remove. Returns the new sha, or undefined
 * when the tree equals the parent's (no empty commit).
 */
export async function buildCommit(
  context: GitContext,
  timeoutMs: number,
  commit: CommitToBuild,
): Promise<string | undefined> {
  const index = join(
    context.cwd,
    `${TEMP_INDEX_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  const git = (
    args: readonly string[],
    extra: { input?: string; env?: Record<string, string> } = {},
  ) =>
    runGitOk(context, args, { timeoutMs, ...extra, env: { GIT_INDEX_FILE: index, ...extra.env } });
  try {
    const parentTree = (
      await git(['rev-parse', '--verify', '--end-of-options', `${commit.parent}^{tree}`])
    ).trim();
    await git(['read-tree', parentTree]);
    const modes = parseIndex(await git(['ls-files', '-s', '-z']));
    let entries = '';
    for (const [path, content] of Object.entries(commit.files)) {
      const mode = modeFor(path, modes);
      const blob =
        content === ''
          ? await git(['hash-object', '-w', '--no-filters', '--', '/dev/null'])
          : await git(['hash-object', '-w', '--no-filters', '--stdin'], { input: content });
      entries += `${mode} ${checkSha(blob.trim(), 'blob')}\t${path}\0`;
    }
    await git(['update-index', '-z', '--index-info'], { input: entries });
    const tree = (await git(['write-tree'])).trim();
    if (tree === parentTree) return undefined;
    const { name, email } = commit.author;
    const person = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    const sha = await git(['commit-tree', '--no-gpg-sign', tree, '-p', commit.parent, '-F', '-'], {
      input: commit.message,
      env: person,
    });
    return checkSha(sha.trim());
  } finally {
    rmSync(index, { force: true });
    rmSync(`${index}.lock`, { force: true });
  }
}

/** `git ls-files -s -z` -> path -> mode. */
function parseIndex(output: string): Map<string, string> {
  const modes = new Map<string, string>();
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab > 0) modes.set(record.slice(tab + 1), record.slice(0, record.indexOf(' ')));
  }
  return modes;
}

/**
 * The mode to write `path` with: the file's own when it exists, 100644 when new. A path that is
 * a folder, a link or a submodule, or lies under a file, is refused: setting it would silently
 * delete what is there.
 */
function modeFor(path: string, modes: ReadonlyMap<string, string>): string {
  const refuse = (why: string): never => {
    throw new GitError('conflict', `cannot write ${path}: ${why}`);
  };
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const above = parts.slice(0, i).join('/');
    if (modes.has(above)) refuse(`${above} is a file`);
  }
  const prefix = `${path}/`;
  for (const existing of modes.keys()) if (existing.startsWith(prefix)) refuse('it is a folder');
  const mode = modes.get(path);
  if (mode !== undefined && !REGULAR.has(mode)) refuse('it is not a regular file');
  return mode ?? '100644';
}
