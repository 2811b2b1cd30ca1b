import { describe, expect, it } from 'vitest';

import { routeEvent } from './route-event.js';
import type { PullRequestEvent } from './webhook-event.js';

const target = { repo: { owner: 'ops', repo: 'env' }, branch: 'main' };
const SHA = 'b'.repeat(40);
const pull = (over: Partial<PullRequestEvent> = {}): PullRequestEvent => ({
  kind: 'pull_request',
  action: 'opened',
  repo: 'ops/env',
  number: 3,
  headSha: SHA,
  baseRef: 'main',
  merged: false,
  mergeCommitSha: null,
  ...over,
});

describe('routeEvent', () => {
  it('reconciles on a push to the followed branch, repository names compared without case', () => {
    expect(
      routeEvent({ kind: 'push', repo: 'Ops/Env', ref: 'refs/heads/main', after: SHA }, target),
    ).toEqual({ do: 'reconcile', reason: 'push to main' });
  });

  it('ignores pushes to other branches and events about other repositories', () => {
    expect(
      routeEvent({ kind: 'push', repo: 'ops/env', ref: 'refs/heads/dev', after: SHA }, target).do,
    ).toBe('nothing');
    expect(routeEvent(pull({ repo: 'someone/else' }), target).do).toBe('nothing');
    expect(routeEvent(pull({ baseRef: 'release' }), target).do).toBe('nothing');
  });

  it('plans opened, synchronised and reopened pull requests into the branch', () => {
    for (const action of ['opened', 'synchronize', 'reopened']) {
      expect(routeEvent(pull({ action }), target)).toEqual({ do: 'plan', number: 3, headSha: SHA });
    }
    expect(routeEvent(pull({ action: 'labeled' }), target).do).toBe('nothing');
  });

  it('reconciles on a merge and ignores a pull request closed unmerged, naming it closed', () => {
    const merged = routeEvent(pull({ action: 'closed', merged: true }), target);
    expect(merged).toEqual({ do: 'reconcile', reason: 'pull request #3 merged', closed: 3 });
    const unmerged = routeEvent(pull({ action: 'closed' }), target);
    expect(unmerged).toEqual({
      do: 'nothing',
      reason: 'pull request #3 closed unmerged',
      closed: 3,
    });
    expect(routeEvent(pull({ action: 'opened' }), target)).not.toHaveProperty('closed');
  });

  it('does nothing on ping or other events', () => {
    expect(routeEvent({ kind: 'ping' }, target).do).toBe('nothing');
    expect(routeEvent({ kind: 'other', name: 'issues' }, target).do).toBe('nothing');
  });
});
