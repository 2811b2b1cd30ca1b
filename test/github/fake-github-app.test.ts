import { generateKeyPairSync } from 'node:crypto';

import { App, Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRemote, tempDir } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const repo = { owner: 'acme', repo: 'env' };
const APP_ID = 31337;
const INSTALLATION_ID = 4711;

function keyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

describe('the fake GitHub with a GitHub App', () => {
  const dir = tempDir();
  const key = keyPair();
  let head: string;
  let fake: FakeGitHub;

  const appFor = (appId: number, privateKey: string): App =>
    new App({
      appId,
      privateKey,
      Octokit: Octokit.defaults({ baseUrl: fake.url, throttle: { enabled: false } }),
    });

  beforeAll(async () => {
    head = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' }).head();
    fake = await startFakeGitHub({
      ...repo,
      bare: `${dir.path}/env.git`,
      app: { id: APP_ID, publicKeyPem: key.publicKey, installationId: INSTALLATION_ID },
    });
  });

  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  it('finds the installation with a JWT and reports through check runs with its token', async () => {
    const app = appFor(APP_ID, key.privateKey);
    const installation = await app.octokit.rest.apps.getRepoInstallation(repo);
    expect(installation.data.id).toBe(INSTALLATION_ID);

    const octokit = await app.getInstallationOctokit(installation.data.id);
    const created = await octokit.rest.checks.create({
      ...repo,
      name: 'dockstack/plan',
      head_sha: head,
      status: 'in_progress',
      output: { title: 'Planning', summary: 'working' },
    });
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      conclusion: 'failure',
      output: {
        title: '1 problem',
        summary: 'environment.yaml is invalid',
        annotations: [
          {
            path: 'environment.yaml',
            start_line: 3,
            end_line: 3,
            start_column: 5,
            end_column: 9,
            annotation_level: 'failure',
            message: 'unknown key',
          },
        ],
      },
    });
    expect(fake.checkRuns).toEqual([
      expect.objectContaining({
        headSha: head,
        status: 'completed',
        conclusion: 'failure',
        title: '1 problem',
        annotations: [expect.objectContaining({ start_line: 3, message: 'unknown key' })],
        app: 'dockstack[bot]',
        updates: 1,
      }),
    ]);
    expect(fake.requests.map((r) => `${r.status} ${r.route ?? ''}`)).toEqual([
      '200 GET /repos/{owner}/{repo}/installation',
      '201 POST /app/installations/{installation_id}/access_tokens',
      '201 POST /repos/{owner}/{repo}/check-runs',
      '200 PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a check run GitHub would refuse beyond its schema', async () => {
    const octokit = await appFor(APP_ID, key.privateKey).getInstallationOctokit(INSTALLATION_ID);
    const spanning = {
      path: 'a',
      start_line: 1,
      end_line: 2,
      start_column: 1,
      end_column: 2,
      annotation_level: 'notice' as const,
      message: 'm',
    };
    const refused = octokit.rest.checks.create({
      ...repo,
      name: 'dockstack/plan',
      head_sha: head,
      output: { title: 't', summary: 's', annotations: [spanning] },
    });
    await expect(refused).rejects.toMatchObject({ status: 422 });
    expect(fake.violations.at(-1)?.problems[0]).toContain('start_line equal to end_line');
  });

  it('refuses a JWT signed with another key, or naming another App', async () => {
    const before = fake.violations.length;
    const forged = appFor(APP_ID, keyPair().privateKey).octokit.rest.apps.getRepoInstallation(repo);
    await expect(forged).rejects.toMatchObject({ status: 401 });
    const other = appFor(APP_ID + 1, key.privateKey).octokit.rest.apps.getRepoInstallation(repo);
    await expect(other).rejects.toMatchObject({ status: 401 });
    expect(fake.violations.slice(before).map((v) => v.problems[0])).toEqual([
      "A JSON web token could not be decoded: JWT signature does not match the App's public key",
      `A JSON web token could not be decoded: JWT iss ${APP_ID + 1} is not the App`,
    ]);
  });

  it('refuses the JWT where an installation token belongs', async () => {
    const { token } = (await appFor(APP_ID, key.privateKey).octokit.auth({ type: 'app' })) as {
      token: string;
    };
    const response = await fetch(`${fake.url}/repos/acme/env/statuses/${head}`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'success' }),
    });
    expect(response.status).toBe(403);
    expect(fake.violations.at(-1)?.problems).toEqual([
      'Resource not accessible by app credentials',
    ]);
    expect(fake.statuses).toEqual([]);
  });
});
