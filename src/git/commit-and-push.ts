import { backoffDelay } from './backoff-delay.js';
import type { CommitChange, EnvRepo } from './env-repo.js';
import { GitError } from './git-error.js';

export interface CommitAndPushOptions {
  /** Pushes tried at most (at least 1). */
  attempts: number;
  /** Default 200 ms. */
  baseDelayMs?: number;
  /** Default 5 s. */
  maxDelayMs?: number;
  /** Default Math.random. */
  random?: () => number;
  /** Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The branch's head as fetched moments ago: the first attempt builds on it without fetching.
   * A push rejected because the branch moved since then fetches and builds again at once.
   */
  head?: string;
}

/**
 * Fetches (unless given a head), renders the change on the head, commits it and pushes,
 * fast-forward only. When
 * someone pushed meanwhile, waits (backoff with jitter), fetches again and renders anew on the
 * new head: the commit is built again on top of it, nothing is rebased or forced. Returns the
 * pushed sha, or undefined when there is nothing to change; throws a GitError (conflict) once
 * every attempt lost its race.
 */
export async function commitAndPush(
  repo: Pick<EnvRepo, 'fetch' | 'commit' | 'push'>,
  render: (head: string) => Promise<CommitChange | undefined>,
  options: CommitAndPushOptions,
): Promise<string | undefined> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5000,
  };
  const random = options.random ?? Math.random;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  let known = options.head;
  for (let attempt = 1; ; attempt++) {
    const head = known ?? (await repo.fetch());
    const change = await render(head);
    if (change === undefined) return undefined;
    const sha = await repo.commit(
      head,
      change.files,
      change.message,
      change.trailers,
      change.always === true ? { always: true } : {},
    );
    if (sha === undefined) return undefined;
    if ((await repo.push(sha)) === 'pushed') return sha;
    if (known !== undefined) {
      // Built on what was known, not on what was fetched: not a lost race yet.
      known = undefined;
      attempt--;
      continue;
    }
    if (attempt >= attempts) {
      throw new GitError(
        'conflict',
        `push rejected ${attempts} times: the branch kept moving while the commit was made`,
      );
    }
    await sleep(backoffDelay(attempt, backoff, random));
  }
}
