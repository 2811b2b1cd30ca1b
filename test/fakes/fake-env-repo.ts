import { commitAndPush } from '../../src/git/commit-and-push.js';
import type { CommitChange, CommitInfo } from '../../src/git/env-repo.js';
import { GitError } from '../../src/git/git-error.js';
import type { PassRepo } from '../../src/pass/pass-repo.js';

interface FakeCommit extends CommitInfo {
  files: Map<string, string>;
}

/** The identity of the bot's commits; `author: 'dockstack'` makes a commit as the bot. */
export const FAKE_BOT = { name: 'dockstack', email: 'dockstack@localhost' };

interface CommitOptions {
  subject?: string;
  /** The author's name: `dockstack` is the bot; anyone else is a person. */
  author?: string;
  /** The committer's name, when not the author's. */
  committer?: string;
  trailers?: Record<string, string[]>;
}

const person = (name: string) =>
  name === FAKE_BOT.name ? FAKE_BOT : { name, email: `${name.toLowerCase()}@example.org` };

/**
 * An env repo in memory, for unit tests of the pass and the daemon loop: one branch of commits
 * with files and trailers. Its write-back is the real retry loop (commitAndPush) over an
 * in-memory fetch, commit and push; `raceNextPush` makes someone else push first. The real repo
 * is exercised against real git in test/git.
 */
export class FakeEnvRepo implements PassRepo {
  readonly commits = new Map<string, FakeCommit>();
  head: string | undefined;
  /** When set, fetch fails with it (the remote is unreachable). */
  unreachable: string | undefined;
  /** Pushes to lose to someone else's commit, each just before ours lands. */
  raceNextPush = 0;
  readonly calls: string[] = [];
  private next = 1;

  /** A commit on the branch by a person (or the bot, with trailers) changing `files`. */
  push(files: Record<string, string>, options: CommitOptions = {}): string {
    const sha = this.make(this.head, files, options);
    this.head = sha;
    return sha;
  }

  /** A commit on top of `parent`, not on the branch (yet). */
  private make(
    parent: string | undefined,
    files: Record<string, string>,
    options: CommitOptions,
  ): string {
    const sha = `${String(this.next++).padStart(4, '0')}${'0'.repeat(36)}`;
    const merged = new Map(parent === undefined ? [] : this.get(parent).files);
    for (const [path, text] of Object.entries(files)) merged.set(path, text);
    this.commits.set(sha, {
      sha,
      parents: parent === undefined ? [] : [parent],
      author: person(options.author ?? 'Alice'),
      committer: person(options.committer ?? options.author ?? 'Alice'),
      date: '2026-01-01T00:00:00+00:00',
      subject: options.subject ?? `commit ${sha.slice(0, 4)}`,
      body: '',
      trailers: options.trailers ?? {},
      files: merged,
    });
    return sha;
  }

  fetch(): Promise<string> {
    this.calls.push('fetch');
    if (this.unreachable !== undefined)
      return Promise.reject(new GitError('unreachable', this.unreachable));
    if (this.head === undefined) return Promise.reject(new GitError('invalid', 'no branch'));
    return Promise.resolve(this.head);
  }

  firstParentLog(head: string, since?: string, limit?: number): Promise<CommitInfo[]> {
    const listed: CommitInfo[] = [];
    for (let sha: string | undefined = head; sha !== undefined && sha !== since;) {
      const commit = this.get(sha);
      listed.unshift(commit);
      sha = commit.parents[0];
    }
    return Promise.resolve(limit === undefined ? listed : listed.slice(-limit));
  }

  readFile(commit: string, path: string): Promise<string | undefined> {
    return Promise.resolve(this.get(commit).files.get(path));
  }

  readFolder(commit: string, path: string): Promise<ReadonlyMap<string, string> | undefined> {
    const files = new Map<string, string>();
    for (const [file, text] of [...this.get(commit).files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (file.startsWith(`${path}/`)) files.set(file.slice(path.length + 1), text);
    }
    return Promise.resolve(files.size === 0 ? undefined : files);
  }

  findLastTrailer(head: string, key: string): Promise<CommitInfo | undefined> {
    for (let sha: string | undefined = head; sha !== undefined;) {
      const commit = this.get(sha);
      if (commit.trailers[key] !== undefined) return Promise.resolve(commit);
      sha = commit.parents[0];
    }
    return Promise.resolve(undefined);
  }

  /** The bot's own: author and committer are FAKE_BOT (the real check is tested on git). */
  whyNotOwn(commit: CommitInfo): Promise<string | undefined> {
    for (const role of ['author', 'committer'] as const) {
      const who = commit[role];
      if (who.name !== FAKE_BOT.name || who.email !== FAKE_BOT.email) {
        return Promise.resolve(`its ${role} is ${who.name} <${who.email}>`);
      }
    }
    return Promise.resolve(undefined);
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (!this.commits.has(ancestor)) return Promise.resolve(false);
    for (let sha: string | undefined = descendant; sha !== undefined;) {
      if (sha === ancestor) return Promise.resolve(true);
      sha = this.get(sha).parents[0];
    }
    return Promise.resolve(false);
  }

  writeBack(
    change: (head: string) => Promise<CommitChange | undefined>,
  ): Promise<string | undefined> {
    return commitAndPush(
      {
        fetch: () => this.fetch(),
        commit: (parent, files, message, trailers) => {
          const before = this.get(parent).files;
          if (Object.entries(files).every(([path, text]) => before.get(path) === text)) {
            return Promise.resolve(undefined);
          }
          return Promise.resolve(
            this.make(parent, files, {
              subject: message.split('\n')[0] ?? '',
              author: 'dockstack',
              trailers: Object.fromEntries(Object.entries(trailers).map(([k, v]) => [k, [v]])),
            }),
          );
        },
        push: (sha) => {
          if (this.raceNextPush > 0) {
            this.raceNextPush--;
            this.push({}, { subject: 'someone else' });
          }
          if (this.get(sha).parents[0] !== this.head) return Promise.resolve('rejected');
          this.calls.push('push');
          this.head = sha;
          return Promise.resolve('pushed');
        },
      },
      change,
      { attempts: 5, sleep: () => Promise.resolve() },
    );
  }

  /** The file at the branch's head. */
  file(path: string): string | undefined {
    return this.head === undefined ? undefined : this.commits.get(this.head)?.files.get(path);
  }

  private get(sha: string): FakeCommit {
    const commit = this.commits.get(sha);
    if (commit === undefined) throw new GitError('invalid', `no commit ${sha}`);
    return commit;
  }
}
