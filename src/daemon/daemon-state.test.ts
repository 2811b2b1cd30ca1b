import { describe, expect, it } from 'vitest';

import type { PassResult } from '../pass/pass-result.js';
import { INITIAL_STATE, notReady, passFailed, type PullPlan } from './daemon-state.js';
import { nextDelay } from './daemon-timers.js';
import { driftChecked, observedMeanwhile } from './drift-checked.js';
import { passFinished } from './pass-finished.js';
import { KEPT_PULLS, pullClosed, pullPlanned, pullRequested } from './pull-plans.js';

const timing = { at: '2026-01-01T00:00:00.000Z', durationMs: 12 };
const commit = (sha: string, valid = true) => ({
  sha,
  subject: 's',
  author: 'a',
  date: 'd',
  valid,
});
const plan = { hostSteps: [], tiers: [] };

function applied(
  converged: boolean,
  unreachable: { host: string; error: string; containers: string[] }[] = [],
): PassResult {
  return {
    stage: 'apply',
    file: 'environment.yaml',
    git: { head: 'h', applied: 'h', commits: [commit('h')] },
    env: { common: { dnsServer: '10.0.0.1', domain: 'endor.lab' }, services: {} },
    planned: {
      plan,
      specs: [],
      observed: [],
      state: [],
      unreachable,
      observedHosts: [],
      observedAt: 0,
      addresses: new Map(),
      networkProblems: [],
      refreshed: [],
      notKicked: [],
    },
    reconciliation: {
      plan,
      result: {
        converged,
        durationMs: 1,
        steps: converged
          ? []
          : [{ action: 'create', host: 'h1', name: 'a', outcome: 'failed', durationMs: 1 }],
      },
      unreachable,
      held: [],
    },
    observed: [],
    state: [],
    registered: {},
    dns: [],
    configured: { uploaded: [], refreshed: [], kicked: [], notKicked: [] },
    recorded: 'bot',
  };
}

describe('the daemon state', () => {
  it('starts degraded until the first pass', () => {
    expect(INITIAL_STATE.degraded).toBe('starting');
  });

  it('is ready after a converged pass, with the bot commit as head and each commit once', () => {
    const first = passFinished(INITIAL_STATE, applied(true), timing);
    expect(first.state).toMatchObject({
      head: 'bot',
      degraded: null,
      failures: 0,
      lastApplied: { commit: 'h', converged: true },
      lastWriteBack: 'bot',
    });
    expect(first.fresh.map((c) => c.sha)).toEqual(['h']);
    const again = passFinished(first.state, applied(true), timing);
    expect(again.fresh).toEqual([]);
    expect(again.state.commits).toHaveLength(1);
    expect(again.state.lastApplied).toBe(first.state.lastApplied);
  });

  it('says which hosts did not answer, or how many steps failed, and counts failures', () => {
    const down = passFinished(
      INITIAL_STATE,
      applied(false, [{ host: 'h2', error: 'x', containers: [] }]),
      timing,
    );
    expect(down.state.degraded).toBe('unreachable: h2');
    expect(down.outcome).toBe('failed');
    const failed = passFinished(down.state, applied(false), timing);
    expect(failed.state.degraded).toBe('1 step(s) failed');
    expect(failed.state.failures).toBe(2);
  });

  it('counts a failed kick as a failed pass, to be tried again, and keeps the last kicks', () => {
    const kick = {
      host: 'h1',
      reasons: ['members of galera changed: + gal2.endor.lab'],
      durationMs: 5,
    };
    const result = applied(true);
    if (result.stage !== 'apply') throw new Error('an applied pass');
    result.configured.kicked = [
      { ...kick, name: 'gal1', outcome: 'unchanged', exitCode: 0 },
      { ...kick, name: 'ha1', outcome: 'failed', exitCode: 1, error: 'puppet agent exited 1' },
    ];
    const kicked = passFinished(INITIAL_STATE, result, timing);
    expect(kicked.outcome).toBe('failed');
    expect(kicked.state.degraded).toBe('Puppet agent kick(s) failed: ha1');
    expect(kicked.state.failures).toBe(1);
    expect(kicked.state.lastApplied?.converged).toBe(true);
    expect(kicked.state.lastConfigured?.kicked.map((k) => k.name)).toEqual(['gal1', 'ha1']);
    // A pass that kicks nothing leaves the last kicks to be seen.
    const quiet = passFinished(kicked.state, applied(true), timing);
    expect(quiet.outcome).toBe('converged');
    expect(quiet.state.degraded).toBeNull();
    expect(quiet.state.lastConfigured?.kicked).toHaveLength(2);
  });

  it('keeps the hosts as they are on an invalid head, without counting it as a failure', () => {
    const result: PassResult = {
      stage: 'load',
      file: 'environment.yaml',
      git: { head: 'x', applied: 'x', commits: [commit('x', false)] },
      problems: [{ file: 'environment.yaml', line: 3, col: 1, message: 'bad' }],
    };
    const next = passFinished(passFailed(INITIAL_STATE, 'git'), result, timing);
    expect(next.outcome).toBe('invalid');
    expect(next.state).toMatchObject({ degraded: null, failures: 0, head: 'x' });
    expect(next.state.invalid).toHaveLength(1);
  });

  it('shows the trailers the last pass ignored, and tells each one once', () => {
    const record = {
      commit: 'f'.repeat(40),
      subject: 'Squashed',
      trailer: 'Dockstack-Applied',
      reason: "Dockstack-Applied on a commit not dockstack's: its author is Eve <eve@x.org>",
    };
    const pass = applied(true);
    const withIgnored: PassResult = {
      ...pass,
      git: { head: 'h', applied: 'h', commits: [], ignored: [record] },
    };
    const first = passFinished(INITIAL_STATE, withIgnored, timing);
    expect(first.state.ignoredRecords).toEqual([record]);
    expect(first.ignored).toEqual([record]);
    const again = passFinished(first.state, withIgnored, timing);
    expect(again.state.ignoredRecords).toEqual([record]);
    expect(again.ignored).toEqual([]);
    // A later record of the bot's own ends the warning.
    expect(passFinished(again.state, pass, timing).state.ignoredRecords).toEqual([]);
  });

  it('keeps one plan per open pull request, newest first, until it is closed', () => {
    const plan = (number: number, headSha: string): PullPlan => ({
      number,
      headSha,
      at: '2026-01-01T00:00:00.000Z',
      outcome: 'planned',
      plan: 'No changes.\n',
    });
    let state = pullPlanned(INITIAL_STATE, plan(3, 'a'));
    state = pullPlanned(state, plan(5, 'b'));
    state = pullPlanned(state, plan(3, 'c'));
    expect(state.pulls.map((p) => [p.number, p.headSha])).toEqual([
      [5, 'b'],
      [3, 'c'],
    ]);
    state = pullClosed(state, 5);
    expect(state.pulls.map((p) => p.number)).toEqual([3]);
    expect(pullClosed(state, 5)).toBe(state);
    // A plan under way when its pull request closed is not shown; once reopened, it is.
    expect(pullPlanned(state, plan(5, 'e'))).toBe(state);
    state = pullPlanned(pullRequested(state, 5), plan(5, 'e'));
    expect(state.pulls.map((p) => [p.number, p.headSha])).toEqual([
      [5, 'e'],
      [3, 'c'],
    ]);
    expect(pullRequested(state, 5)).toBe(state);
    state = pullClosed(state, 5);
    for (let n = 10; n < 10 + KEPT_PULLS + 5; n++) state = pullPlanned(state, plan(n, 'd'));
    expect(state.pulls).toHaveLength(KEPT_PULLS);
    expect(state.pulls[0]?.number).toBe(KEPT_PULLS + 14);
  });

  it('waits the interval while all is well and backs off exponentially after failures', () => {
    const none = () => 0;
    expect(nextDelay({ failures: 0 }, 5_000, 60_000, none)).toBe(5_000);
    expect(nextDelay({ failures: 1 }, 5_000, 60_000, none)).toBe(2_000);
    expect(nextDelay({ failures: 3 }, 5_000, 60_000, none)).toBe(8_000);
    expect(nextDelay({ failures: 20 }, 5_000, 60_000, none)).toBe(60_000);
    expect(nextDelay({ failures: 1 }, 5_000, 60_000, () => 1)).toBe(2_400);
  });
});

describe('health in the daemon state', () => {
  const gal1 = {
    host: 'h1',
    name: 'gal1',
    service: 'galera',
    desired: 'running' as const,
    observed: 'running' as const,
    drifted: false,
  };

  /** A drift check that repaired (or failed to repair) gal1, leaving it as `state` says. */
  function repair(
    outcome: 'done' | 'failed',
    state: Partial<typeof gal1> & { ok: boolean; health?: 'starting' | 'healthy' | 'unhealthy' },
  ): PassResult {
    const result = applied(true);
    if (result.stage !== 'apply') throw new Error('an applied pass');
    delete result.git;
    result.reconciliation.result.steps = [
      {
        action: 'create',
        host: 'h1',
        name: 'gal1',
        outcome,
        durationMs: 1,
        ...(outcome === 'failed' ? { error: 'not healthy 300 s after it started' } : {}),
      },
    ];
    result.state = [{ ...gal1, ...state }];
    return result;
  }

  function look(state: { ok: boolean; health?: 'starting' | 'healthy' | 'unhealthy' }) {
    return {
      state: [{ ...gal1, ...state }],
      observedHosts: ['h1'],
      observedAt: Date.parse('2026-01-01T00:05:00Z'),
      unreachable: [],
    };
  }

  it('keeps a failed repair as the reason the daemon is not ready until its container is ok', () => {
    const ready = passFinished(INITIAL_STATE, applied(true), timing).state;
    const failed = driftChecked(
      ready,
      repair('failed', { ok: false, health: 'starting' }),
      'at',
    ).state;
    expect(notReady(failed)).toBe('1 repair(s) failed');
    // The next check finds nothing to do, but gal1 is still not healthy: still not ready, and why.
    const quiet = observedMeanwhile(failed, look({ ok: false, health: 'unhealthy' }));
    const after = { ...quiet, drift: null };
    expect(notReady(after)).toBe(
      'the repair of gal1 on h1 failed: not healthy 300 s after it started',
    );
    expect(after.hosts.h1?.lastObserved).toBe('2026-01-01T00:05:00.000Z');
    const healthy = observedMeanwhile(after, look({ ok: true, health: 'healthy' }));
    expect(healthy.repairFailures).toEqual([]);
    expect(notReady(healthy)).toBeNull();
  });

  it('names an unhealthy container as the reason the daemon is not ready', () => {
    const ready = passFinished(INITIAL_STATE, applied(true), timing).state;
    const sick = observedMeanwhile(ready, look({ ok: false, health: 'unhealthy' }));
    expect(notReady(sick)).toBe('unhealthy: gal1');
    const starting = observedMeanwhile(ready, look({ ok: false, health: 'starting' }));
    expect(notReady(starting)).toBeNull();
    expect(starting.containers[0]?.ok).toBe(false);
  });
});
