import { trailerValues } from '../git/commit-log-format.js';
import type { CommitInfo } from '../git/env-repo.js';
import type { PassRepo } from './pass-repo.js';

const SHA = /^[0-9a-f]{40}$/;

/** How many ignored records a read reports (the walk past them goes on). */
const KEPT_IGNORED = 20;

/** A commit that carries one of the bot's trailers but is not taken for its record, and why. */
export interface IgnoredRecord {
  commit: string;
  subject: string;
  /** The trailer it carries, as the bot writes it. */
  trailer: string;
  reason: string;
}

/** One of the bot's records: its commit and the commit its trailer names. */
export interface BotRecord {
  commit: CommitInfo;
  /** The commit the trailer names: an ancestor of the head. */
  names: string;
}

/**
 * The bot's records on the branch, read through the env repo with every commit judged once: a
 * commit is a record only when it is the bot's own (identity and, where the bot signs, a
 * signature git verifies), and a record counts only when the commit it names is an ancestor of
 * the head. Whatever else carries a trailer is ignored, and said why.
 */
export class BotRecords {
  private readonly verdicts = new Map<string, Promise<string | undefined>>();
  private readonly ignoredBySha = new Map<string, IgnoredRecord>();

  constructor(
    private readonly repo: Pick<PassRepo, 'findLastTrailer' | 'whyNotOwn' | 'isAncestor'>,
    private readonly head: string,
  ) {}

  /** The records ignored so far, newest first as found. */
  get ignored(): IgnoredRecord[] {
    return [...this.ignoredBySha.values()];
  }

  /** Why `commit` is not the bot's own; undefined when it is. Asked once per commit. */
  whyNotOwn(commit: CommitInfo): Promise<string | undefined> {
    let verdict = this.verdicts.get(commit.sha);
    if (verdict === undefined) {
      verdict = this.repo.whyNotOwn(commit);
      this.verdicts.set(commit.sha, verdict);
    }
    return verdict;
  }

  /**
   * True when `commit` is one of the bot's records of `key`; a commit with the trailer that is
   * not is noted as ignored.
   */
  async isRecord(commit: CommitInfo, key: string): Promise<boolean> {
    if (trailerValues(commit, key).length === 0) return false;
    const why = await this.whyNotOwn(commit);
    if (why !== undefined) this.ignore(commit, key, `${key} on a commit not dockstack's: ${why}`);
    return why === undefined;
  }

  /**
   * The newest first-parent commit from the head that is the bot's record of `key`, naming an
   * ancestor of the head; every newer commit with the trailer is noted as ignored.
   */
  async last(key: string): Promise<BotRecord | undefined> {
    for (let from: string | undefined = this.head; from !== undefined;) {
      const commit = await this.repo.findLastTrailer(from, key);
      if (commit === undefined) return undefined;
      from = commit.parents[0];
      if (!(await this.isRecord(commit, key))) continue;
      const names = trailerValues(commit, key)[0] ?? '';
      if (!SHA.test(names)) {
        this.ignore(commit, key, `${key} names ${shown(names)}, not a commit id`);
      } else if (!(await this.repo.isAncestor(names, this.head))) {
        this.ignore(commit, key, `${key} names ${names}, not a commit of the branch`);
      } else {
        return { commit, names };
      }
    }
    return undefined;
  }

  private ignore(commit: CommitInfo, trailer: string, reason: string): void {
    if (this.ignoredBySha.has(commit.sha) || this.ignoredBySha.size >= KEPT_IGNORED) return;
    this.ignoredBySha.set(commit.sha, {
      commit: commit.sha,
      subject: shown(commit.subject),
      trailer,
      reason,
    });
  }
}

/** A value from a commit message, on one line and cut short, for messages. */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\x00-\x1f\x7f]/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
