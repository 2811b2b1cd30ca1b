import { generateKeyPairSync } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubApi } from '../../src/github/github-api.js';
import { GitHubError } from '../../src/github/github-error.js';
import { connectGitHub } from '../../src/github/octokit-github.js';
import { createRemote, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { pushToBranch } from './push-to-branch.js';

const TOKEN = 'ghp_adapter-test-token-0123456789';
const MARKER = '<!-- dockstack:test -->';

describe('the octokit adapter, against the fake GitHub', () => {
  const dir = tempDir();
  let remote: RemoteFixture;
  let fake: FakeGitHub;
  let api: GitHubApi;

  beforeAll(async () => {
    remote = createRemote(dir.path, { 'environment.yaml': 'common: {}\n' });
    fake = await startFakeGitHub({ owner: 'ops', repo: 'env', bare: remote.bare, token: TOKEN });
    api = await connectGitHub({
      apiUrl: fake.url,
      webUrl: 'https://github.example',
      repo: { owner: 'ops', repo: 'env' },
      auth: { kind: 'token', token: TOKEN },
    });
  });

  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  it('cuts a status description to the 140 characters GitHub allows', async () => {
    await api.setStatus({
      sha: remote.head(),
      state: 'success',
      context: 'dockstack/plan',
      description: 'x'.repeat(500),
      targetUrl: 'http://dockstack.test/api/status',
    });
    expect(fake.statuses.at(-1)?.description).toHaveLength(140);
    expect(fake.violations).toEqual([]);
  });

  it('edits its own comment and leaves a person’s comment quoting the marker alone', async () => {
    const head = pushToBranch(remote, 'topic', { 'notes.md': 'hello\n' }, 'A topic');
    const pull = await api.openPullRequest({
      head: 'topic',
      base: 'main',
      title: 'A topic',
      body: 'body',
    });
    expect(pull).toMatchObject({ headSha: head, headRef: 'topic', baseRef: 'main' });
    fake.comments.push({
      id: 1,
      issueNumber: pull.number,
      body: `a person quoting ${MARKER}`,
      user: 'someone',
      updates: 0,
    });
    const first = await api.upsertComment(pull.number, MARKER, `${MARKER}\nfirst`);
    const second = await api.upsertComment(pull.number, MARKER, `${MARKER}\nsecond`);
    expect(second).toBe(first);
    const mine = fake.comments.filter((c) => c.issueNumber === pull.number && c.user !== 'someone');
    expect(mine).toEqual([expect.objectContaining({ body: `${MARKER}\nsecond`, updates: 1 })]);
    expect(fake.comments.find((c) => c.id === 1)?.body).toBe(`a person quoting ${MARKER}`);
    expect(fake.violations).toEqual([]);
  });

  it('finds the pull request a merge commit belongs to', async () => {
    const pull = fake.pulls.at(-1);
    if (pull === undefined) throw new Error('a pull request was opened above');
    const merge = await fake.mergePull(pull.number);
    expect(await api.pullRequestsOfCommit(merge)).toEqual([pull.number]);
    expect(await api.pullRequestsOfCommit(remote.history()[0] ?? '')).toEqual([]);
  });

  it('turns a refusal into a GitHubError that does not quote the token', async () => {
    const wrong = await connectGitHub({
      apiUrl: fake.url,
      webUrl: 'https://github.example',
      repo: { owner: 'ops', repo: 'env' },
      auth: { kind: 'token', token: 'ghp_wrong-token-000000000000' },
    });
    const error = await wrong
      .setStatus({ sha: remote.head(), state: 'pending', context: 'c', description: 'd' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ kind: 'rejected', status: 401 });
    expect((error as Error).message).not.toContain('ghp_wrong');
  });
});

describe('the octokit adapter as a GitHub App', () => {
  const dir = tempDir();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = {
    id: 99,
    installationId: 7,
    publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  let remote: RemoteFixture;
  let fake: FakeGitHub;

  beforeAll(async () => {
    remote = createRemote(dir.path, { 'environment.yaml': 'common: {}\n' });
    fake = await startFakeGitHub({ owner: 'ops', repo: 'env', bare: remote.bare, app });
  });

  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  it('finds its installation and sends every annotation, 50 per request', async () => {
    const api = await connectGitHub({
      apiUrl: fake.url,
      webUrl: 'https://github.example',
      repo: { owner: 'ops', repo: 'env' },
      auth: { kind: 'app', appId: app.id, privateKey },
    });
    expect(api.canUseChecks).toBe(true);
    const run = {
      headSha: remote.head(),
      name: 'dockstack/plan',
      title: 'Broken',
      summary: 'many problems',
      annotations: Array.from({ length: 120 }, (_, i) => ({
        path: 'environment.yaml',
        startLine: i + 1,
        endLine: i + 1,
        startColumn: 3,
        endColumn: 3,
        level: 'failure' as const,
        message: `problem ${String(i + 1)}`,
      })),
    };
    const id = await api.createCheckRun({ ...run, status: 'in_progress' });
    await api.updateCheckRun(id, { ...run, status: 'completed', conclusion: 'failure' });
    const recorded = fake.checkRuns.find((r) => r.id === id);
    expect(recorded).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(recorded?.annotations).toHaveLength(240);
    expect(fake.violations).toEqual([]);
  });

  it('fails to connect with a key that is not the App’s, without quoting the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = other.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const error = await connectGitHub({
      apiUrl: fake.url,
      webUrl: 'https://github.example',
      repo: { owner: 'ops', repo: 'env' },
      auth: { kind: 'app', appId: app.id, privateKey: pem },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected', status: 401 });
    expect((error as Error).message).not.toContain(pem.split('\n')[1] ?? '');
  });
});
