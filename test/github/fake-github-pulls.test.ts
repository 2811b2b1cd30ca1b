import { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { pushToBranch } from './push-to-branch.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const repo = { owner: 'acme', repo: 'env' };

describe('pull requests on the fake GitHub, against a real bare repository', () => {
  const dir = tempDir();
  let remote: RemoteFixture;
  let receiver: WebhookReceiver;
  let fake: FakeGitHub;
  let octokit: Octokit;

  /** The payloads received since `from`, as `event action`. */
  const eventsSince = (from: number): string[] =>
    receiver.received.slice(from).map((got) => {
      const action = typeof got.payload.action === 'string' ? ` ${got.payload.action}` : '';
      return `${String(got.headers['x-github-event'])}${action}`;
    });

  beforeAll(async () => {
    remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
    receiver = await startWebhookReceiver();
    fake = await startFakeGitHub({
      ...repo,
      bare: remote.bare,
      token: 'token',
      webhook: { url: receiver.url, secret: 's' },
    });
    octokit = new Octokit({ auth: 'token', baseUrl: fake.url, throttle: { enabled: false } });
  });

  afterAll(async () => {
    await fake.close();
    await receiver.close();
    dir.remove();
  });

  it('opens, synchronizes and merges a pull request, delivering each event', async () => {
    const mainBefore = remote.head();
    const first = pushToBranch(remote, 'add-web', { 'web.yaml': 'web: {}\n' }, 'Add web');
    const opened = await octokit.rest.pulls.create({
      ...repo,
      head: 'add-web',
      base: 'main',
      title: 'Add web',
    });
    await fake.settled();
    expect(eventsSince(0)).toEqual(['pull_request opened']);
    expect(receiver.received[0]?.payload).toMatchObject({
      number: opened.data.number,
      pull_request: {
        head: { sha: first, ref: 'add-web' },
        base: { ref: 'main', repo: { full_name: 'acme/env' } },
        user: { login: 'dockstack-bot' },
      },
      repository: {
        full_name: 'acme/env',
        clone_url: `file://${remote.bare}`,
        default_branch: 'main',
      },
    });

    const second = remote.push({ 'web.yaml': 'web: { replicas: 2 }\n' }, 'Two webs');
    await fake.synchronize(opened.data.number);
    expect(eventsSince(1)).toEqual(['pull_request synchronize']);
    expect(receiver.received[1]?.payload).toMatchObject({
      before: first,
      after: second,
      pull_request: { head: { sha: second } },
    });
    expect(git(remote.bare, ['rev-parse', `refs/pull/${opened.data.number}/head`])).toBe(second);

    const merge = await fake.mergePull(opened.data.number);
    expect(remote.head()).toBe(merge);
    expect(git(remote.bare, ['rev-list', '--parents', '-n', '1', merge]).split(' ')).toEqual([
      merge,
      mainBefore,
      second,
    ]);
    expect(eventsSince(2)).toEqual(['pull_request closed', 'push']);
    expect(receiver.received[2]?.payload).toMatchObject({
      pull_request: { merged: true, merge_commit_sha: merge, state: 'closed' },
    });
    expect(receiver.received[3]?.payload).toMatchObject({
      ref: 'refs/heads/main',
      before: mainBefore,
      after: merge,
      head_commit: { id: merge, added: ['web.yaml'] },
      pusher: { name: 'Test Person' },
    });

    const pulls = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: merge,
    });
    expect(pulls.data.map((p) => [p.number, p.merge_commit_sha])).toEqual([
      [opened.data.number, merge],
    ]);
    expect(
      (await octokit.rest.pulls.get({ ...repo, pull_number: opened.data.number })).data.merged,
    ).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('announces a direct push to a branch from the head it last saw', async () => {
    git(remote.clone, ['checkout', '--quiet', 'main']);
    const before = remote.head();
    const after = remote.push({ 'environment.yaml': 'services: { dns: {} }\n' }, 'Add dns');
    const from = receiver.received.length;
    const delivery = await fake.pushTo('main');
    expect(delivery.status).toBe(202);
    expect(eventsSince(from)).toEqual(['push']);
    expect(receiver.received[from]?.payload).toMatchObject({
      before,
      after,
      commits: [{ id: after, message: 'Add dns', modified: ['environment.yaml'] }],
    });
    expect(fake.pushEvent('refs/heads/main', before, after)).toMatchObject({
      ref: 'refs/heads/main',
      head_commit: { id: after },
    });
  });

  it('refuses a pull request with nothing to merge, without calling it a violation', async () => {
    const refused = octokit.rest.pulls.create({
      ...repo,
      head: 'main',
      base: 'main',
      title: 'nothing',
    });
    await expect(refused).rejects.toThrow('No commits between main and main');
    expect(fake.requests.at(-1)?.status).toBe(422);
    expect(fake.violations).toEqual([]);
  });
});
