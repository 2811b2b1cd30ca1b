import { describe, expect, it, vi } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { DaemonTimers } from './daemon-timers.js';

function timers(driftIntervalMs = 0) {
  const clock = new FakeClock();
  const calls: string[] = [];
  let delay = 1_000;
  const made = new DaemonTimers({
    clock,
    poll: () => {
      calls.push(`poll@${String(clock.now())}`);
      return Promise.resolve();
    },
    pollDelay: () => delay,
    driftCheck: () => calls.push(`drift@${String(clock.now())}`),
    driftIntervalMs,
    eventsSettled: () => calls.push(`events@${String(clock.now())}`),
  });
  return {
    clock,
    calls,
    made,
    setDelay: (ms: number) => (delay = ms),
  };
}

describe('the daemon timers', () => {
  it('poll at once, then each time the delay after the poll before has settled', async () => {
    const { clock, calls, made, setDelay } = timers();
    made.start();
    await vi.waitFor(() => {
      expect(clock.timers).toBe(1);
    });
    clock.advance(1_000);
    setDelay(4_000);
    await vi.waitFor(() => {
      expect(clock.timers).toBe(1);
    });
    clock.advance(3_999);
    clock.advance(1);
    expect(calls).toEqual(['poll@0', 'poll@1000', 'poll@5000']);
    made.stop();
  });

  it('ask for a drift check every interval, and never with none', () => {
    const { clock, calls, made } = timers(10_000);
    made.start();
    clock.advance(25_000);
    expect(calls.filter((c) => c.startsWith('drift'))).toEqual(['drift@10000', 'drift@20000']);
    made.stop();
    const none = timers(0);
    none.made.start();
    none.clock.advance(100_000);
    expect(none.calls.filter((c) => c.startsWith('drift'))).toEqual([]);
    none.made.stop();
  });

  it('let a burst of engine events settle into one drift check', () => {
    const { clock, calls, made } = timers();
    expect(made.engineEvent()).toBe(true);
    expect(made.engineEvent()).toBe(false);
    clock.advance(50);
    expect(made.engineEvent()).toBe(false);
    clock.advance(50);
    expect(calls).toEqual(['events@100']);
    expect(made.engineEvent()).toBe(true);
    made.stop();
  });

  it('set nothing again once stopped', async () => {
    const { clock, calls, made } = timers(10_000);
    made.start();
    made.engineEvent();
    made.stop();
    await Promise.resolve();
    expect(made.engineEvent()).toBe(false);
    clock.advance(60_000);
    expect(calls).toEqual(['poll@0']);
    expect(clock.timers).toBe(0);
  });
});
