import { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { pushToBranch } from './push-to-branch.js';

const TOKEN = 'ghp_test0000000000000000000000000000000';
const repo = { owner: 'acme', repo: 'env' };

describe('the fake GitHub with a token', () => {
  const dir = tempDir();
  let remote: RemoteFixture;
  let fake: FakeGitHub;
  let octokit: Octokit;
  let changeHead: string;

  /** A raw request, for what Octokit's types would not let through. */
  const send = (method: string, path: string, body?: unknown, token = TOKEN): Promise<Response> =>
    fetch(fake.url + path, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
    changeHead = pushToBranch(
      remote,
      'add-web',
      { 'environment.yaml': 'services: { web: {} }\n' },
      'Add web',
    );
    fake = await startFakeGitHub({ ...repo, bare: remote.bare, token: TOKEN });
    octokit = new Octokit({ auth: TOKEN, baseUrl: fake.url, throttle: { enabled: false } });
  });

  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  it('takes commit statuses', async () => {
    const { status } = await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha: changeHead,
      state: 'pending',
      context: 'dockstack/plan',
      description: 'planning',
      target_url: 'http://127.0.0.1:3288/plan',
    });
    expect(status).toBe(201);
    expect(fake.statuses).toEqual([
      expect.objectContaining({
        sha: changeHead,
        state: 'pending',
        context: 'dockstack/plan',
        creator: 'dockstack-bot',
      }),
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('opens a pull request, writes refs/pull/N/head and keeps its comments', async () => {
    const pull = await octokit.rest.pulls.create({
      ...repo,
      head: 'add-web',
      base: 'main',
      title: 'Add web',
      body: 'web',
    });
    expect(pull.data).toMatchObject({
      number: 1,
      state: 'open',
      head: { ref: 'add-web', sha: changeHead },
      base: { ref: 'main' },
    });
    expect(git(remote.bare, ['rev-parse', 'refs/pull/1/head'])).toBe(changeHead);

    const created = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: 1,
      body: '<!-- plan --> v1',
    });
    await octokit.rest.issues.updateComment({
      ...repo,
      comment_id: created.data.id,
      body: '<!-- plan --> v2',
    });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: 1,
      per_page: 100,
    });
    expect(listed.map((c) => [c.id, c.body, c.user?.login])).toEqual([
      [created.data.id, '<!-- plan --> v2', 'dockstack-bot'],
    ]);
    expect(fake.comments).toEqual([
      expect.objectContaining({ issueNumber: 1, body: '<!-- plan --> v2', updates: 1 }),
    ]);

    const byHead = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: changeHead,
    });
    expect(byHead.data.map((p) => p.number)).toEqual([1]);
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.title).toBe('Add web');
    expect(fake.violations).toEqual([]);
  });

  it('pages long comment lists with a Link header', async () => {
    pushToBranch(remote, 'add-db', { 'db.yaml': 'db: {}\n' }, 'Add db');
    const { number } = fake.openPull({ head: 'add-db', base: 'main', title: 'Add db' });
    for (let i = 0; i < 3; i++)
      await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: `c${i}` });
    const first = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: number,
      per_page: 2,
    });
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: number,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(['c0', 'c1', 'c2']);
  });

  it('refuses check runs to a token, as GitHub does', async () => {
    const refused = octokit.rest.checks.create({
      ...repo,
      name: 'dockstack/plan',
      head_sha: changeHead,
    });
    await expect(refused).rejects.toMatchObject({ status: 403 });
    expect(fake.violations.at(-1)?.problems).toEqual([
      'Resource not accessible by token credentials',
    ]);
  });

  it.each([
    [
      'an unknown path',
      'GET',
      '/repos/acme/env/nothing-here',
      undefined,
      404,
      'no operation has a path like',
    ],
    [
      'a wrong method',
      'PUT',
      `/repos/acme/env/statuses/${'a'.repeat(40)}`,
      { state: 'success' },
      404,
      'PUT is not an operation',
    ],
    [
      'a status state outside the enum',
      'POST',
      '/repos/acme/env/statuses/main',
      { state: 'bogus' },
      422,
      'body.state must be one of: error, failure, pending, success',
    ],
    [
      'a conclusion outside the enum',
      'POST',
      '/repos/acme/env/check-runs',
      { name: 'n', head_sha: 'main', conclusion: 'passed' },
      422,
      'body.conclusion must be one of',
    ],
    [
      'a body without a required field',
      'POST',
      '/repos/acme/env/pulls',
      { head: 'add-web', title: 't' },
      422,
      "body must have required property 'base'",
    ],
    [
      'a non-integer issue_number',
      'GET',
      '/repos/acme/env/issues/one/comments',
      undefined,
      422,
      'path.issue_number must be integer',
    ],
    [
      'an undeclared query parameter',
      'GET',
      '/repos/acme/env/issues/1/comments?limit=5',
      undefined,
      422,
      'query must not have limit',
    ],
    ['another repository', 'GET', '/repos/acme/other/pulls/1', undefined, 404, 'is not the fake'],
    [
      'an operation the fake lacks',
      'GET',
      '/repos/acme/env/branches',
      undefined,
      404,
      'the fake does not implement GET /repos/{owner}/{repo}/branches',
    ],
  ])('refuses and records %s', async (_name, method, path, body, status, problem) => {
    const before = fake.violations.length;
    const response = await send(method, path, body);
    expect(response.status).toBe(status);
    const added = fake.violations.slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ method, path, status });
    expect(added[0]?.problems.join('\n')).toContain(problem);
  });

  it('refuses what GitHub refuses beyond the schema: a branch for a sha, a long description', async () => {
    const byBranch = await send('POST', '/repos/acme/env/statuses/main', { state: 'success' });
    const long = { state: 'success', description: 'x'.repeat(141) };
    const tooLong = await send('POST', `/repos/acme/env/statuses/${changeHead}`, long);
    expect([byBranch.status, tooLong.status]).toEqual([422, 422]);
    expect(fake.violations.slice(-2).map((v) => v.problems)).toEqual([
      ['No commit found for SHA: main'],
      ['Validation Failed: description is too long (maximum is 140 characters)'],
    ]);
    expect(fake.statuses).toHaveLength(1);
  });

  it('refuses a request without valid credentials with 401', async () => {
    const response = await send('GET', '/repos/acme/env/pulls/1', undefined, 'wrong');
    expect(response.status).toBe(401);
    expect(fake.violations.at(-1)).toMatchObject({ status: 401, problems: ['Bad credentials'] });
  });

  it('records every request with its route and status', () => {
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      route: 'POST /repos/{owner}/{repo}/statuses/{sha}',
      status: 201,
    });
    expect(fake.requests[0]?.body).toMatchObject({ state: 'pending', context: 'dockstack/plan' });
  });
});
