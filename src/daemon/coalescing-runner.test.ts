import { describe, expect, it } from 'vitest';

import { CoalescingRunner } from './coalescing-runner.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CoalescingRunner', () => {
  it('runs once per request when requests do not overlap', async () => {
    let runs = 0;
    const runner = new CoalescingRunner(() => {
      runs++;
      return Promise.resolve();
    });
    await runner.request();
    await runner.request();
    expect(runs).toBe(2);
  });

  it('folds every request made during a run into one more run', async () => {
    const gates = [deferred(), deferred()];
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const runner = new CoalescingRunner(async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await (gates[runs++]?.promise ?? Promise.resolve());
      concurrent--;
    });
    const first = runner.request();
    const during = [runner.request(), runner.request(), runner.request()];
    expect(runner.busy).toBe(true);
    gates[0]?.resolve();
    gates[1]?.resolve();
    await Promise.all([first, ...during]);
    expect(runs).toBe(2);
    expect(maxConcurrent).toBe(1);
    expect(runner.busy).toBe(false);
  });

  it('keeps working after a run fails', async () => {
    let runs = 0;
    const runner = new CoalescingRunner(() => {
      runs++;
      return runs === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
    });
    await expect(runner.request()).rejects.toThrow('boom');
    await runner.request();
    expect(runs).toBe(2);
  });
});
