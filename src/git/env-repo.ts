import type { Person } from './git-input.js';

export type { Person } from './git-input.js';

/** One commit of the env repo. */
export interface CommitInfo {
  sha: string;
  /** First parent first; empty for a root commit. */
  parents: string[];
  author: Person;
  committer: Person;
  /** Author date, ISO 8601 with the author's offset. */
  date: string;
  subject: string;
  /** The message after the subject paragraph, trailers included. */
  body: string;
  /** Trailer key as written -> its values in order. */
  trailers: Record<string, string[]>;
}

/** A commit to make: repo path -> new content, the message, and trailers added after it. */
export interface CommitChange {
  files: Record<string, string>;
  message: string;
  trailers: Record<string, string>;
  /** Committed even when no file changes (the message and trailers alone are news). */
  always?: boolean;
}

/** The env repo: one branch of one remote, followed through a private working clone. */
export interface EnvRepo {
  /** Remote head of the branch without fetching (git ls-remote), or undefined if the branch does not exist. */
  remoteHead(): Promise<string | undefined>;
  /** Fetches the branch and returns its head; the first call clones into the working dir. */
  fetch(): Promise<string>;
  /**
   * Fetches the head of pull request `number` (`refs/pull/N/head`, as GitHub publishes it) from
   * the configured remote and returns its commit; undefined when the remote has no such ref.
   */
  fetchPull(number: number): Promise<string | undefined>;
  /**
   * First-parent commits after `since` (excluded; from the root when undefined) up to `head`,
   * oldest first; with `limit`, only the newest `limit` of them.
   */
  firstParentLog(head: string, since?: string, limit?: number): Promise<CommitInfo[]>;
  /**
   * A regular file's content at a commit, or undefined when there is none at that path. A
   * folder or link at the path, or a file over the size limit, is a GitError (invalid).
   */
  readFile(commit: string, path: string): Promise<string | undefined>;
  /**
   * Every file under the folder `path` at a commit, by its path below `path` (with `/`), in path
   * order; undefined when there is no such folder. A link or submodule under it, a file at
   * `path`, or files over the size limit together, is a GitError (invalid).
   */
  readFolder(commit: string, path: string): Promise<ReadonlyMap<string, string> | undefined>;
  /** The newest first-parent commit from `head` with a trailer `key` (case-insensitive). */
  findLastTrailer(head: string, key: string): Promise<CommitInfo | undefined>;
  /**
   * Why `commit` is not the bot's own, or undefined when it is: its author and committer are the
   * bot's identity and, with a signing key, git verifies its signature by that key.
   */
  whyNotOwn(commit: Pick<CommitInfo, 'sha' | 'author' | 'committer'>): Promise<string | undefined>;
  /**
   * True when `ancestor` is a commit of the working clone and an ancestor of `descendant` (or
   * the same commit); false for any other commit id, known or not.
   */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * Commits `files` on top of `parent` as the bot (signed, with a signing key), with `message`
   * and `trailers`; returns the new sha, or undefined when no file changes (unless `always`).
   * Does not push.
   */
  commit(
    parent: string,
    files: Record<string, string>,
    message: string,
    trailers: Record<string, string>,
    options?: { always?: boolean },
  ): Promise<string | undefined>;
  /**
   * Pushes `commit` to the branch as a fast-forward, never forced: 'rejected' when the branch
   * moved meanwhile. Any other failure throws a GitError.
   */
  push(commit: string): Promise<'pushed' | 'rejected'>;
  /**
   * Creates the branch `branch` on the remote at `commit` (a branch other than the one
   * followed, for a pull request): 'exists' when the remote has a branch of that name already,
   * which is left as it is. Any other failure throws a GitError.
   */
  pushTo(commit: string, branch: string): Promise<'pushed' | 'exists'>;
}
