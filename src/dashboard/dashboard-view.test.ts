import { describe, expect, it } from 'vitest';

import { INITIAL_STATE, type DaemonState } from '../daemon/daemon-state.js';
import type { ContainerState } from '../plan/compare-state.js';
import { dashboardView } from './dashboard-view.js';

const container = (
  over: Partial<ContainerState> & { name: string },
  tier: number | null = 0,
): ContainerState => ({
  host: 'h1',
  service: 'dns',
  desired: 'running',
  observed: 'running',
  drifted: false,
  ok: true,
  ...(tier === null ? {} : { tier }),
  ...over,
});

const state: DaemonState = {
  ...INITIAL_STATE,
  head: 'b'.repeat(40),
  lastPass: { at: '2026-01-01T00:01:00.000Z', durationMs: 1234, outcome: 'failed' },
  lastApplied: { commit: 'a'.repeat(40), at: '2026-01-01T00:01:00.000Z', converged: false },
  lastWriteBack: 'b'.repeat(40),
  degraded: 'unreachable: h2',
  hosts: {
    h1: { lastObserved: '2026-01-01T00:01:00.000Z', reachable: true },
    h2: {
      lastObserved: '2026-01-01T00:01:00.000Z',
      reachable: false,
      error: 'connect ECONNREFUSED',
    },
  },
  unreachable: [{ host: 'h2', error: 'connect ECONNREFUSED', containers: ['webui1'] }],
  containers: [
    container({ name: 'gal1', service: 'galera', tier: 2, health: 'unhealthy', ok: true }),
    container({ name: 'dns1', address: '10.0.0.1', mac: 'de:ad:be:ef:ba:11' }),
    container({ name: 'ha1', service: 'haproxy', tier: 2, observed: 'stopped', ok: false }),
    container({ name: 'old1', service: 'webui', desired: 'absent', ok: false }, null),
    container({
      host: 'h2',
      name: 'webui1',
      service: 'webui',
      tier: 9,
      observed: 'unknown',
      ok: false,
    }),
  ],
  commits: [
    {
      sha: 'a'.repeat(40),
      subject: 'Add webui2',
      author: 'Ann <ann@example.org>',
      date: '2026-01-01T00:00:00Z',
      valid: true,
      delta: { added: ['webui2'], removed: ['webui1'], changed: [], started: [], stopped: [] },
    },
    {
      sha: 'b'.repeat(40),
      subject: 'dockstack: converged',
      author: 'dockstack <dockstack@localhost>',
      date: '2026-01-01T00:01:00Z',
      valid: true,
    },
  ],
};

describe('dashboardView', () => {
  const view = dashboardView({
    state,
    describe: { repo: 'https://git.example/env.git', branch: 'main', envPath: 'environment.yaml' },
    commitUrl: (sha) => `https://forge.example/o/r/commit/${sha}`,
  });

  it('sums up the last pass, the head, what was applied and what needs attention', () => {
    expect(view.summary).toEqual({
      outcome: 'failed',
      at: '2026-01-01T00:01:00.000Z',
      durationS: '1.2',
      degraded: 'unreachable: h2',
      applied: {
        sha: 'a'.repeat(40),
        short: 'aaaaaaaaaaaa',
        url: `https://forge.example/o/r/commit/${'a'.repeat(40)}`,
        at: '2026-01-01T00:01:00.000Z',
        converged: false,
      },
      writeBack: {
        sha: 'b'.repeat(40),
        short: 'bbbbbbbbbbbb',
        url: `https://forge.example/o/r/commit/${'b'.repeat(40)}`,
      },
      containers: 5,
      running: 3,
      attention: 4,
      hosts: 2,
      unreachable: 1,
    });
  });

  it('counts the last kicks and their failures', () => {
    const kick = { host: 'h1', reasons: [], durationMs: 1 };
    const kicked = dashboardView({
      state: {
        ...state,
        lastConfigured: {
          commit: 'a'.repeat(40),
          at: '2026-01-01T00:01:00.000Z',
          kicked: [
            { ...kick, name: 'gal1', outcome: 'unchanged' },
            { ...kick, name: 'ha1', outcome: 'failed', error: 'puppet agent exited 1' },
          ],
        },
      },
      describe: {},
    });
    expect(kicked.summary.kicks).toEqual({
      count: 2,
      failed: 1,
      names: 'gal1: unchanged, ha1: failed',
    });
    expect(view.summary.kicks).toBeUndefined();
  });

  it('lists each host with its containers by tier, tier order first, then by name', () => {
    const h1 = view.hosts.find((h) => h.name === 'h1');
    expect(h1?.reach).toBe('reachable');
    expect(h1?.tiers.map((t) => [t.label, t.services, t.containers.map((c) => c.name)])).toEqual([
      ['tier 1', 'dns', ['dns1']],
      ['tier 3', 'galera, haproxy', ['gal1', 'ha1']],
      ['not in the environment', 'webui', ['old1']],
    ]);
    const [dns1] = h1?.tiers[0]?.containers ?? [];
    expect(dns1).toEqual({
      name: 'dns1',
      service: 'dns',
      state: 'running',
      tone: 'ok',
      desired: 'running',
      address: '10.0.0.1',
      mac: 'de:ad:be:ef:ba:11',
      drifted: false,
    });
    const tones = h1?.tiers.flatMap((t) => t.containers.map((c) => [c.name, c.state, c.tone]));
    expect(tones).toEqual([
      ['dns1', 'running', 'ok'],
      ['gal1', 'running', 'bad'],
      ['ha1', 'stopped', 'warn'],
      ['old1', 'removing', 'warn'],
    ]);
  });

  it('shows a host that did not answer as unreachable, with its error', () => {
    const h2 = view.hosts.find((h) => h.name === 'h2');
    expect(h2).toMatchObject({
      reach: 'unreachable',
      error: 'connect ECONNREFUSED',
      containers: 1,
    });
    expect(h2?.tiers[0]?.containers[0]).toMatchObject({ state: 'unknown', tone: 'bad' });
  });

  it('lists the audit trail newest first, with the delta, the marks and the forge links', () => {
    expect(view.commits.map((c) => [c.short, c.subject, c.delta, c.marks, c.url])).toEqual([
      [
        'bbbbbbbbbbbb',
        'dockstack: converged',
        '',
        ['write-back'],
        `https://forge.example/o/r/commit/${'b'.repeat(40)}`,
      ],
      [
        'aaaaaaaaaaaa',
        'Add webui2',
        '+webui2 −webui1',
        ['applied, failed'],
        `https://forge.example/o/r/commit/${'a'.repeat(40)}`,
      ],
    ]);
  });

  it('shows a pending edit with its plan, and has no links without a forge', () => {
    const plain = dashboardView({
      state: {
        ...state,
        pendingEdit: { at: '2026-01-01T00:02:00.000Z', valid: true, plan: '+ create webui2' },
      },
      describe: {},
    });
    expect(plain.pendingEdit).toEqual({
      at: '2026-01-01T00:02:00.000Z',
      valid: true,
      plan: '+ create webui2',
      problems: [],
    });
    expect(plain.commits.every((c) => c.url === undefined)).toBe(true);
  });

  it('lists the open pull requests with their plan or their problems, linked to the forge', () => {
    const view = dashboardView({
      state: {
        ...state,
        pulls: [
          {
            number: 12,
            headSha: 'c'.repeat(40),
            at: '2026-01-01T00:03:00.000Z',
            outcome: 'planned',
            plan: '+ create webui2 on 192.168.99.2\n',
          },
          {
            number: 9,
            headSha: 'd'.repeat(40),
            at: '2026-01-01T00:01:00.000Z',
            outcome: 'invalid',
            problems: [
              {
                file: 'environment.yaml',
                line: 4,
                col: 7,
                message: 'unknown key',
                hint: 'remove it',
              },
            ],
          },
        ],
      },
      describe: {},
      commitUrl: (sha) => `https://forge.example/o/r/commit/${sha}`,
      pullUrl: (number) => `https://forge.example/o/r/pull/${String(number)}`,
    });
    expect(view.pulls).toEqual([
      {
        number: 12,
        url: 'https://forge.example/o/r/pull/12',
        head: {
          sha: 'c'.repeat(40),
          short: 'c'.repeat(12),
          url: `https://forge.example/o/r/commit/${'c'.repeat(40)}`,
        },
        at: '2026-01-01T00:03:00.000Z',
        outcome: 'planned',
        plan: '+ create webui2 on 192.168.99.2\n',
        problems: [],
      },
      {
        number: 9,
        url: 'https://forge.example/o/r/pull/9',
        head: {
          sha: 'd'.repeat(40),
          short: 'd'.repeat(12),
          url: `https://forge.example/o/r/commit/${'d'.repeat(40)}`,
        },
        at: '2026-01-01T00:01:00.000Z',
        outcome: 'invalid',
        problems: ['environment.yaml:4:7: unknown key (remove it)'],
      },
    ]);
  });

  it("warns of commits whose dockstack trailers were not taken for the bot's records", () => {
    expect(view.ignoredRecords).toBeUndefined();
    const warned = dashboardView({
      state: {
        ...state,
        ignoredRecords: [
          {
            commit: 'e'.repeat(40),
            subject: 'Squashed <b>',
            trailer: 'Dockstack-Applied',
            reason: "Dockstack-Applied on a commit not dockstack's: its author is Eve <eve@x.org>",
          },
        ],
      },
      describe: {},
    });
    expect(warned.ignoredRecords).toEqual([
      {
        sha: 'e'.repeat(40),
        short: 'e'.repeat(12),
        subject: 'Squashed <b>',
        reason: "Dockstack-Applied on a commit not dockstack's: its author is Eve <eve@x.org>",
      },
    ]);
  });
});
