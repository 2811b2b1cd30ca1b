import { branchHead, isAncestor, setRef } from './bare-repo.js';
import type { FakeGitHubCore } from './fake-github-core.js';
import type { PullRecord } from './fake-github-state.js';
import { GitHubRefusal } from './fake-route.js';
import { pullRequestPayload } from './webhook-payloads.js';

export interface OpenPullInput {
  /** The branch with the change (`owner:branch` is accepted for the fake's own owner). */
  head: string;
  base: string;
  title: string;
  body?: string;
}

/**
 * Opens a pull request from `head` into `base` of the bare repository as GitHub does: writes
 * `refs/pull/N/head` and delivers `pull_request` `opened` (when a webhook is configured, without
 * waiting). Refuses with 422, as GitHub does, missing branches, a head with nothing to merge and
 * a second open pull request for the same branches.
 */
export function openPull(core: FakeGitHubCore, input: OpenPullInput, user: string): PullRecord {
  const { repository, state } = core;
  const own = `${repository.owner}:`;
  const head = input.head.startsWith(own) ? input.head.slice(own.length) : input.head;
  const base = input.base;
  const headSha = branchHead(repository.bare, head);
  const baseSha = branchHead(repository.bare, base);
  if (headSha === undefined || baseSha === undefined) {
    const missing = headSha === undefined ? `head ${head}` : `base ${base}`;
    throw new GitHubRefusal(422, `Validation Failed: ${missing} does not exist`);
  }
  if (state.pulls.some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base)) {
    throw new GitHubRefusal(422, `A pull request already exists for ${own}${head}.`, false);
  }
  if (isAncestor(repository.bare, headSha, baseSha)) {
    throw new GitHubRefusal(422, `No commits between ${base} and ${head}`, false);
  }
  const pull: PullRecord = {
    number: state.pulls.length + 1,
    title: input.title,
    body: input.body ?? null,
    state: 'open',
    merged: false,
    mergeCommitSha: null,
    head: { ref: head, sha: headSha },
    base: { ref: base, sha: baseSha },
    user,
    createdAt: new Date().toISOString(),
    closedAt: null,
  };
  state.pulls.push(pull);
  setRef(repository.bare, `refs/pull/${pull.number}/head`, headSha);
  core.deliverLater('pull_request', pullRequestPayload('opened', pull, core.source(user)));
  return pull;
}
