import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT } from '../cli/run-dockstack.js';
import { runDockstackAsync } from '../cli/run-dockstack-async.js';
import { CREATE_WEBUI2 } from '../cli/seed-edits.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const SEED = readFileSync(join(ROOT, 'test/fixtures/seed-environment.yaml'), 'utf8');

describe('dockstack create --pr, against the fake GitHub and a real bare repository', () => {
  const dir = tempDir();
  let remote: RemoteFixture;
  let fake: FakeGitHub;
  let tokenFile: string;

  beforeAll(async () => {
    remote = createRemote(dir.path, { 'environment.yaml': SEED });
    fake = await startFakeGitHub({ owner: 'acme', repo: 'env', bare: remote.bare, token: 'tok' });
    tokenFile = join(dir.path, 'token');
    writeFileSync(tokenFile, 'tok\n');
  });

  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  const github = () => [
    '--github-repo',
    'acme/env',
    '--github-api-url',
    fake.url,
    '--github-token-file',
    tokenFile,
  ];
  const clean = { GITHUB_TOKEN: undefined, DOCKSTACK_REPO: undefined, DOCKSTACK_BRANCH: undefined };

  it("opens a pull request for the seed's webui2 whose head branch holds the commit", async () => {
    const main = remote.head();
    const run = await runDockstackAsync(
      [...CREATE_WEBUI2, '--repo', remote.bare, '--pr', '--json', ...github()],
      clean,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { commit: string; branch: string };
    const pull = fake.pulls.at(-1);
    expect(result).toEqual({
      action: 'create',
      name: 'webui2',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/) as string,
      branch: `dockstack/create-webui2-${result.commit.slice(0, 12)}`,
      pullRequest: {
        number: pull?.number,
        url: `https://github.test/acme/env/pull/${String(pull?.number)}`,
      },
    });
    expect(pull).toMatchObject({
      title: 'Create webui2 (webui) on 192.168.99.2',
      state: 'open',
      head: { ref: result.branch, sha: result.commit },
      base: { ref: 'main', sha: main },
    });
    expect(pull?.body).toContain('adds the container `webui2`');
    expect(pull?.body).toContain('- service `webui`, image `webui:latest`');
    expect(pull?.body).toContain('- Docker host `192.168.99.2`');
    expect(pull?.body).toContain('dockstack posts the plan for it on this pull request');

    expect(git(remote.bare, ['rev-parse', `refs/heads/${result.branch}`])).toBe(result.commit);
    expect(git(remote.bare, ['rev-parse', `refs/pull/${String(pull?.number)}/head`])).toBe(
      result.commit,
    );
    expect(git(remote.bare, ['rev-parse', `${result.commit}^`])).toBe(main);
    expect(
      git(remote.bare, ['diff', '--unified=0', main, result.commit]).split('\n').slice(-2),
    ).toEqual(['+    webui2:', '+      host: 192.168.99.2']);
    expect(remote.head()).toBe(main);
    expect(fake.violations).toEqual([]);
  });

  it('prints the pull request for people, and exits 2 without pushing when the edit is invalid', async () => {
    const base = ['--repo', remote.bare, '--pr', ...github()];
    const stop = await runDockstackAsync(['stop', 'dns2', ...base], clean);
    expect(stop.stderr).toBe('');
    expect(stop.code).toBe(0);
    const pull = fake.pulls.at(-1);
    expect(stop.stdout).toMatch(
      new RegExp(
        `^Pushed [0-9a-f]{12} to dockstack/stop-dns2-[0-9a-f]{12}: Stop dns2 \\(dns\\) on 192\\.168\\.99\\.2\nOpened pull request #${String(pull?.number)}: https://github.test/acme/env/pull/${String(pull?.number)}\n$`,
      ),
    );

    const pulls = fake.pulls.length;
    const refs = git(remote.bare, ['for-each-ref']);
    const clash = await runDockstackAsync(
      [...CREATE_WEBUI2, '--ip', '10.0.0.1/16', ...base],
      clean,
    );
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('IP address 10.0.0.1 is already given to services.dns.dns1');
    expect(fake.pulls.length).toBe(pulls);
    expect(git(remote.bare, ['for-each-ref'])).toBe(refs);
    expect(fake.violations).toEqual([]);
  });

  it('exits 1 when GitHub refuses the token, naming the branch it pushed', async () => {
    const main = remote.head();
    const pulls = fake.pulls.length;
    writeFileSync(join(dir.path, 'wrong'), 'not-the-token\n');
    const run = await runDockstackAsync(
      [
        'stop',
        'dns1',
        '--repo',
        remote.bare,
        '--pr',
        ...github().slice(0, 4),
        '--github-token-file',
        join(dir.path, 'wrong'),
      ],
      clean,
    );
    expect(run.code).toBe(1);
    const branch = /the branch (dockstack\/stop-dns1-[0-9a-f]{12}):/.exec(run.stderr)?.[1];
    expect(run.stderr).toMatch(/^dockstack: GitHub open a pull request: 401 /);
    expect(branch).toBeDefined();
    expect(git(remote.bare, ['log', '-1', '--format=%s', `refs/heads/${branch ?? ''}`])).toBe(
      'Stop dns1 (dns) on 192.168.99.2',
    );
    expect(fake.pulls.length).toBe(pulls);
    expect(remote.head()).toBe(main);
  });
});
