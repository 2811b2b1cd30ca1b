import { describe, expect, it } from 'vitest';

import { commitAndPush } from './commit-and-push.js';
import type { CommitChange, EnvRepo } from './env-repo.js';
import { GitError } from './git-error.js';

type Repo = Pick<EnvRepo, 'fetch' | 'commit' | 'push'>;

/** A remote whose head others move `races` times, each just before our push. */
function racingRepo(races: number) {
  const calls: string[] = [];
  let head = 'h0';
  let lost = 0;
  const repo: Repo = {
    fetch: () => {
      calls.push(`fetch ${head}`);
      return Promise.resolve(head);
    },
    commit: (parent, files) => {
      calls.push(`commit on ${parent}`);
      return Promise.resolve(Object.keys(files).length === 0 ? undefined : `c-${parent}`);
    },
    push: (sha) => {
      if (sha !== `c-${head}`) {
        calls.push(`push ${sha} not a fast-forward`);
        return Promise.resolve('rejected');
      }
      if (lost < races) {
        lost++;
        head = `h${lost}`;
        calls.push(`push ${sha} rejected`);
        return Promise.resolve('rejected');
      }
      calls.push(`push ${sha}`);
      head = sha;
      return Promise.resolve('pushed');
    },
  };
  return { repo, calls };
}

const change = (head: string): Promise<CommitChange> =>
  Promise.resolve({ files: { 'a.txt': head }, message: 'm', trailers: {} });

describe('commitAndPush', () => {
  it('re-renders on the new head after each lost race, waiting with backoff', async () => {
    const { repo, calls } = racingRepo(2);
    const rendered: string[] = [];
    const waits: number[] = [];
    const sha = await commitAndPush(
      repo,
      (head) => {
        rendered.push(head);
        return change(head);
      },
      {
        attempts: 3,
        baseDelayMs: 100,
        random: () => 0,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(sha).toBe('c-h2');
    expect(rendered).toEqual(['h0', 'h1', 'h2']);
    expect(waits).toEqual([50, 100]);
    expect(calls).toEqual([
      'fetch h0',
      'commit on h0',
      'push c-h0 rejected',
      'fetch h1',
      'commit on h1',
      'push c-h1 rejected',
      'fetch h2',
      'commit on h2',
      'push c-h2',
    ]);
  });

  it('builds on a given head without fetching, and fetches at once when the branch moved', async () => {
    const fresh = racingRepo(0);
    expect(await commitAndPush(fresh.repo, change, { attempts: 1, head: 'h0' })).toBe('c-h0');
    expect(fresh.calls).toEqual(['commit on h0', 'push c-h0']);

    const moved = racingRepo(0);
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const stale = await commitAndPush(moved.repo, change, { attempts: 1, head: 'old', sleep });
    expect(stale).toBe('c-h0');
    expect(waits).toEqual([]);
    expect(moved.calls).toEqual([
      'commit on old',
      'push c-old not a fast-forward',
      'fetch h0',
      'commit on h0',
      'push c-h0',
    ]);
  });

  it('returns undefined without committing when render has nothing, or the commit is empty', async () => {
    const nothing = racingRepo(0);
    expect(
      await commitAndPush(nothing.repo, () => Promise.resolve(undefined), { attempts: 3 }),
    ).toBe(undefined);
    expect(nothing.calls).toEqual(['fetch h0']);

    const empty = racingRepo(0);
    const noFiles = () => Promise.resolve({ files: {}, message: 'm', trailers: {} });
    expect(await commitAndPush(empty.repo, noFiles, { attempts: 3 })).toBe(undefined);
    expect(empty.calls).toEqual(['fetch h0', 'commit on h0']);
  });

  it('throws a conflict once the attempts are used up', async () => {
    const { repo, calls } = racingRepo(5);
    const attempt = commitAndPush(repo, change, { attempts: 2, sleep: () => Promise.resolve() });
    await expect(attempt).rejects.toBeInstanceOf(GitError);
    await expect(attempt).rejects.toMatchObject({ kind: 'conflict' });
    expect(calls.filter((call) => call.startsWith('push'))).toHaveLength(2);
  });

  it('lets other failures through at once', async () => {
    const { repo } = racingRepo(0);
    const down: Repo = {
      ...repo,
      push: () => Promise.reject(new GitError('unreachable', 'remote down')),
    };
    await expect(commitAndPush(down, change, { attempts: 5 })).rejects.toMatchObject({
      kind: 'unreachable',
      retryable: true,
    });
  });
});
