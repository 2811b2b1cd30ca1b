import { describe, expect, it } from 'vitest';

import { createLogger } from '../daemon/create-logger.js';
import type { PassResult } from '../pass/pass-result.js';
import type { CheckRun, CommitStatus, GitHubApi } from './github-api.js';
import { createGitHubReporter, type PlannedPull } from './github-reporter.js';
import type { PullRequestPlan } from './plan-pull-request.js';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const log = createLogger({ write: () => undefined });

/** A GitHubApi that records every call in order. */
function recordingGitHub(canUseChecks: boolean) {
  const calls: string[] = [];
  const statuses: CommitStatus[] = [];
  const runs: (CheckRun & { id: number })[] = [];
  const api: GitHubApi = {
    repo: { owner: 'ops', repo: 'env' },
    canUseChecks,
    setStatus: (status) => {
      calls.push(`status ${status.sha.slice(0, 1)} ${status.context} ${status.state}`);
      statuses.push(status);
      return Promise.resolve();
    },
    createCheckRun: (run) => {
      calls.push(`create check ${run.headSha.slice(0, 1)} ${run.status}`);
      runs.push({ ...run, id: runs.length + 1 });
      return Promise.resolve(runs.length);
    },
    updateCheckRun: (id, run) => {
      calls.push(`update check ${String(id)} ${run.conclusion ?? run.status}`);
      return Promise.resolve();
    },
    upsertComment: (pull, marker) => {
      calls.push(`comment #${String(pull)} ${marker}`);
      return Promise.resolve(1);
    },
    openPullRequest: () => Promise.reject(new Error('not used')),
    pullRequestsOfCommit: (sha) => Promise.resolve(sha === NEW ? [4] : []),
  };
  return { api, calls, statuses, runs };
}

const planned = (headSha: string): PullRequestPlan => ({
  kind: 'planned',
  headSha,
  plan: { hostSteps: [], tiers: [] },
  report: { title: '1 to create', body: '<!-- dockstack:plan -->\nplan' },
  offline: [],
});

function reporter(api: GitHubApi, plan: (n: number) => Promise<PullRequestPlan>) {
  return createGitHubReporter({
    github: api,
    plan,
    statusUrl: 'http://dockstack.test/api/status',
    log,
  });
}

describe('the GitHub reporter', () => {
  it('with a token: pending, then the comment, then the final status; a repeat posts nothing', async () => {
    const gh = recordingGitHub(false);
    const r = reporter(gh.api, () => Promise.resolve(planned(OLD)));
    r.planPull(3, OLD);
    await r.idle();
    r.planPull(3, OLD);
    await r.idle();
    expect(gh.calls).toEqual([
      'status a dockstack/plan pending',
      'comment #3 <!-- dockstack:plan -->',
      'status a dockstack/plan success',
    ]);
  });

  it('as an App: a head that moved on gets its own check run, the old one is superseded', async () => {
    const gh = recordingGitHub(true);
    const r = reporter(gh.api, () => Promise.resolve(planned(NEW)));
    r.planPull(3, OLD);
    await r.idle();
    expect(gh.calls).toEqual([
      'create check a in_progress',
      'update check 1 neutral',
      'create check b in_progress',
      'update check 2 success',
    ]);
  });

  it('reports a plan that could not be made as an error, and goes on', async () => {
    const gh = recordingGitHub(false);
    const r = reporter(gh.api, (n) =>
      n === 1 ? Promise.reject(new Error('git remote unreachable')) : Promise.resolve(planned(NEW)),
    );
    r.planPull(1, OLD);
    r.planPull(2, NEW);
    await r.idle();
    expect(gh.statuses.filter((s) => s.state === 'error')).toEqual([
      expect.objectContaining({ sha: OLD, description: 'Could not plan' }),
    ]);
    expect(gh.calls).toContain('status b dockstack/plan success');
  });

  it('hands every plan, problem list, failure and vanished head to the daemon', async () => {
    const gh = recordingGitHub(false);
    const seen: [number, PlannedPull | null][] = [];
    const r = createGitHubReporter({
      github: gh.api,
      plan: (n) =>
        n === 1
          ? Promise.reject(new Error('git remote unreachable'))
          : n === 2
            ? Promise.resolve(planned(NEW))
            : n === 3
              ? Promise.resolve({
                  kind: 'invalid',
                  headSha: OLD,
                  problems: [{ file: 'environment.yaml', line: 2, col: 3, message: 'bad' }],
                  report: { title: 'invalid', body: 'x' },
                })
              : Promise.resolve({ kind: 'gone' }),
      statusUrl: 'http://dockstack.test/api/status',
      planned: (number, plan) => {
        seen.push([number, plan]);
      },
      log,
    });
    for (const n of [1, 2, 3, 4]) r.planPull(n, OLD);
    await r.idle();
    expect(seen.sort((a, b) => a[0] - b[0])).toEqual([
      [1, { headSha: OLD, outcome: 'error', error: 'git remote unreachable' }],
      [
        2,
        {
          headSha: NEW,
          outcome: 'planned',
          plan: 'No changes. The hosts match the environment.\n',
        },
      ],
      [
        3,
        {
          headSha: OLD,
          outcome: 'invalid',
          problems: [{ file: 'environment.yaml', line: 2, col: 3, message: 'bad' }],
        },
      ],
      [4, null],
    ]);
  });

  it('reports an apply on the applied commit and on the pull requests it merged', async () => {
    const gh = recordingGitHub(false);
    const r = reporter(gh.api, () => Promise.resolve(planned(NEW)));
    const plan = { hostSteps: [], tiers: [] };
    const commit = { sha: NEW, subject: 'Merge #4', author: 'a', date: 'd', valid: true };
    const result: PassResult = {
      stage: 'apply',
      file: 'environment.yaml',
      git: { head: NEW, applied: NEW, commits: [commit] },
      env: { common: { dnsServer: '10.0.0.1', domain: 'endor.lab' }, services: {} },
      planned: {
        plan,
        specs: [],
        observed: [],
        state: [],
        unreachable: [],
        observedHosts: [],
        observedAt: 0,
        addresses: new Map(),
        networkProblems: [],
        refreshed: [],
        notKicked: [],
      },
      reconciliation: {
        plan,
        result: { converged: true, steps: [], durationMs: 1200 },
        unreachable: [],
        held: [],
      },
      observed: [],
      state: [],
      registered: {},
      dns: [],
      configured: { uploaded: [], refreshed: [], kicked: [], notKicked: [] },
    };
    await r.applying({ head: NEW, applied: NEW, commits: [] });
    await r.passed(result);
    await r.passed({ ...result, git: { head: NEW, applied: NEW, commits: [] } });
    await r.idle();
    expect(gh.calls).toEqual([
      'status b dockstack/apply pending',
      'status b dockstack/apply success',
      'comment #4 <!-- dockstack:apply -->',
    ]);
    expect(gh.statuses.at(-1)?.description).toBe('converged: 0 steps in 1.2 s');
  });
});
