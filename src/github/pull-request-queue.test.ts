import { describe, expect, it } from 'vitest';

import { PullRequestQueue } from './pull-request-queue.js';

describe('PullRequestQueue', () => {
  it('runs one at a time, plans the newest head last, and does not queue a pull request twice', async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new PullRequestQueue(
      async (number, sha) => {
        runs.push(`${String(number)}@${sha}`);
        if (runs.length === 1) await gate;
      },
      () => undefined,
    );
    queue.request(1, 'a');
    queue.request(1, 'b');
    queue.request(2, 'x');
    queue.request(1, 'c');
    release();
    await queue.idle();
    expect(runs).toEqual(['1@a', '1@c', '2@x']);
  });

  it('reports a failure and goes on', async () => {
    const failed: number[] = [];
    const done: number[] = [];
    const queue = new PullRequestQueue(
      (number) => {
        if (number === 1) return Promise.reject(new Error('boom'));
        done.push(number);
        return Promise.resolve();
      },
      (number) => failed.push(number),
    );
    queue.request(1, 'a');
    queue.request(2, 'b');
    await queue.idle();
    expect(failed).toEqual([1]);
    expect(done).toEqual([2]);
  });
});
