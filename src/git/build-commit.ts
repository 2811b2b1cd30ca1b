import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
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
  /** Made even when every file already has its content: the parent's tree, a new message. */
  always?: boolean;
  /** Signed with the key git's `user.signingKey` names (gpg.format ssh). */
  sign?: boolean;
}

const REGULAR = new Set(['100644', '100755']);

/**
 * Writes a commit without a working tree: the parent's tree is listed, the files whose content
 * differs are written as blobs, the listing with them set goes into a temporary index of its own,
 * which is written as a tree, and the commit made with commit-tree. No ref moves; a kill at any
 * point leaves only unreferenced objects and a temporary index for the next run to remove.
 * Returns the new sha, or undefined when every file already has its content (no empty commit
 * unless `always`).
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
  let blobs: string[] = [];
  try {
    const parent = parseTree(
      await git(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', commit.parent]),
    );
    const entries = new Map(parent);
    for (const [path, content] of Object.entries(commit.files)) {
      const mode = modeFor(path, parent);
      const object = blobId(content);
      const before = parent.get(path);
      if (before?.object !== object || before.mode !== mode) entries.set(path, { mode, object });
    }
    const changed = [...entries].filter(([path, entry]) => parent.get(path) !== entry);
    if (changed.length === 0 && commit.always !== true) return undefined;
    // The changed contents as files beside the temporary index, written as blobs by one git.
    blobs = changed.map(([path], i) => {
      const file = `${index}.blob-${String(i)}`;
      writeFileSync(file, commit.files[path] ?? '');
      return file;
    });
    const written =
      blobs.length === 0
        ? []
        : (
            await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
              input: blobs.map((file) => `${file}\n`).join(''),
            })
          ).split('\n');
    changed.forEach(([path, entry], i) => {
      if (checkSha(written[i]?.trim() ?? '', 'blob') !== entry.object) {
        throw new GitError('internal', `git stored ${path} under another id than its content's`);
      }
    });
    let listing = '';
    for (const [path, { mode, object }] of entries) listing += `${mode} ${object}\t${path}\0`;
    // --verbose: a command that prints nothing costs simple-git a 50 ms wait for output.
    await git(['update-index', '--verbose', '-z', '--index-info'], { input: listing });
    const tree = (await git(['write-tree'])).trim();
    const { name, email } = commit.author;
    const person = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    const signing = commit.sign === true ? '-S' : '--no-gpg-sign';
    const sha = await git(['commit-tree', signing, tree, '-p', commit.parent, '-F', '-'], {
      input: commit.message,
      env: person,
    });
    return checkSha(sha.trim());
  } finally {
    for (const file of blobs) rmSync(file, { force: true });
    rmSync(index, { force: true });
    rmSync(`${index}.lock`, { force: true });
  }
}

/** One entry of a tree listing. */
interface TreeEntry {
  mode: string;
  object: string;
}

/** `git ls-tree -r -z` -> path -> mode and object (blobs, links and submodules alike). */
function parseTree(output: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', , object = ''] = record.slice(0, tab).split(' ');
    entries.set(record.slice(tab + 1), { mode, object });
  }
  return entries;
}

/** The id git gives `content` as a blob (SHA-1 of its header and UTF-8 bytes). */
function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(`blob ${String(bytes.byteLength)}\0`)
    .update(bytes)
    .digest('hex');
}

/**
 * The mode to write `path` with: the file's own when it exists, 100644 when new. A path that is
 * a folder, a link or a submodule, or lies under a file, is refused: setting it would silently
 * delete what is there.
 */
function modeFor(path: string, entries: ReadonlyMap<string, TreeEntry>): string {
  const refuse = (why: string): never => {
    throw new GitError('conflict', `cannot write ${path}: ${why}`);
  };
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const above = parts.slice(0, i).join('/');
    if (entries.has(above)) refuse(`${above} is a file`);
  }
  const prefix = `${path}/`;
  for (const existing of entries.keys()) if (existing.startsWith(prefix)) refuse('it is a folder');
  const mode = entries.get(path)?.mode;
  if (mode !== undefined && !REGULAR.has(mode)) refuse('it is not a regular file');
  return mode ?? '100644';
}
