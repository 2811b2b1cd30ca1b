import { PERSON } from '../git/git-fixture.js';
import { branchHead, commitsBetween, mergeNoFf, setRef, ZERO_SHA } from './bare-repo.js';
import type { WebhookDelivery } from './deliver-webhook.js';
import type { FakeGitHubCore } from './fake-github-core.js';
import type { PullRecord } from './fake-github-state.js';
import { pullRequestPayload, pushPayload } from './webhook-payloads.js';

/**
 * Takes the pull request's branch head as its new head (after someone pushed to the branch),
 * updates `refs/pull/N/head` and delivers `pull_request` `synchronize`. Undefined when the head
 * did not move or no webhook is configured.
 */
export async function synchronizePull(
  core: FakeGitHubCore,
  number: number,
): Promise<WebhookDelivery | undefined> {
  const pull = pullOf(core, number);
  const after = branchHead(core.repository.bare, pull.head.ref);
  if (after === undefined) throw new Error(`branch ${pull.head.ref} is gone`);
  const before = pull.head.sha;
  if (after === before) return undefined;
  pull.head.sha = after;
  setRef(core.repository.bare, `refs/pull/${number}/head`, after);
  if (core.webhook === undefined) return undefined;
  const payload = pullRequestPayload('synchronize', pull, core.source(core.person), {
    before,
    after,
  });
  return core.deliver('pull_request', payload);
}

/**
 * Merges the pull request with a merge commit into its base branch, marks it merged and closed,
 * then delivers `pull_request` `closed` and `push` to the base branch (when a webhook is
 * configured), in that order. Returns the merge commit.
 */
export async function mergePull(core: FakeGitHubCore, number: number): Promise<string> {
  const { repository } = core;
  const pull = pullOf(core, number);
  if (pull.state !== 'open') throw new Error(`pull request #${number} is not open`);
  const message = `Merge pull request #${number} from ${repository.owner}/${pull.head.ref}\n\n${pull.title}`;
  const before = branchHead(repository.bare, pull.base.ref) ?? pull.base.sha;
  const sha = mergeNoFf(repository.bare, pull.base.ref, `refs/pull/${number}/head`, message);
  Object.assign(pull, {
    state: 'closed',
    merged: true,
    mergeCommitSha: sha,
    closedAt: new Date().toISOString(),
  });
  core.knownHeads.set(pull.base.ref, sha);
  if (core.webhook !== undefined) {
    await core.deliver(
      'pull_request',
      pullRequestPayload('closed', pull, core.source(core.person)),
    );
    await core.deliver('push', pushOf(core, `refs/heads/${pull.base.ref}`, before, sha));
  }
  return sha;
}

/** Delivers `push` for what is now on `branch`, after the head the fake last announced. */
export async function announcePush(core: FakeGitHubCore, branch: string): Promise<WebhookDelivery> {
  const after = branchHead(core.repository.bare, branch);
  if (after === undefined) throw new Error(`no branch ${branch}`);
  const before = core.knownHeads.get(branch) ?? ZERO_SHA;
  core.knownHeads.set(branch, after);
  return core.deliver('push', pushOf(core, `refs/heads/${branch}`, before, after));
}

/** A `push` payload for the fake's repository, pushed by the test person. */
export function pushOf(
  core: FakeGitHubCore,
  ref: string,
  before: string,
  after: string,
): Record<string, unknown> {
  const commits = commitsBetween(core.repository.bare, before, after);
  return pushPayload({ ref, before, after, commits, pusher: PERSON }, core.source(core.person));
}

function pullOf(core: FakeGitHubCore, number: number): PullRecord {
  const pull = core.state.pulls.find((p) => p.number === number);
  if (pull === undefined) throw new Error(`no pull request #${number}`);
  return pull;
}
