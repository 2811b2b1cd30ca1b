import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import {
  commitPage,
  githubConfig,
  githubRepoName,
  parseRepoName,
  webUrlOf,
} from './github-config.js';

const TOKEN = 'ghp_secret-token-value-0123456789';

describe('githubConfig', () => {
  it('is off without credentials', () => {
    expect(githubConfig({ githubRepo: 'ops/env' }, {})).toBeUndefined();
  });

  it('takes a token from the environment and the repository from a github.com URL', () => {
    expect(githubConfig({}, { GITHUB_TOKEN: TOKEN }, 'https://github.com/ops/env.git')).toEqual({
      apiUrl: 'https://api.github.com',
      webUrl: 'https://github.com',
      repo: { owner: 'ops', repo: 'env' },
      auth: { kind: 'token', token: TOKEN },
    });
    expect(githubConfig({}, { GITHUB_TOKEN: TOKEN }, 'git@github.com:ops/env.git')?.repo).toEqual({
      owner: 'ops',
      repo: 'env',
    });
  });

  it('reaches GitHub Enterprise Server at its API URL, with links to its web host', () => {
    const config = githubConfig(
      { githubApiUrl: 'https://ghe.example.org/api/v3/' },
      { GITHUB_TOKEN: TOKEN },
      'https://ghe.example.org/ops/env',
    );
    expect(config).toMatchObject({
      apiUrl: 'https://ghe.example.org/api/v3',
      webUrl: 'https://ghe.example.org',
      repo: { owner: 'ops', repo: 'env' },
    });
  });

  it('reads the token and the App key from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockstack-gh-'));
    onTestFinished(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    writeFileSync(
      join(dir, 'key.pem'),
      '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n',
    );
    expect(
      githubConfig({ githubRepo: 'ops/env', githubTokenFile: join(dir, 'token') }, {})?.auth,
    ).toEqual({ kind: 'token', token: TOKEN });
    const app = githubConfig(
      { githubRepo: 'ops/env', githubAppId: '42', githubAppKeyFile: join(dir, 'key.pem') },
      {},
    );
    expect(app?.auth).toMatchObject({ kind: 'app', appId: 42 });
  });

  it('lists every problem at once, without the secrets', () => {
    let message = '';
    try {
      githubConfig(
        { githubRepo: 'not a repo', githubApiUrl: 'ftp://x', githubAppId: 'abc' },
        { DOCKSTACK_GITHUB_APP_KEY: TOKEN },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('--github-api-url "ftp://x": expected an http(s) URL');
    expect(message).toContain('--github-repo "not a repo": expected OWNER/NAME');
    expect(message).toContain('--github-app-id "abc": expected a positive integer');
    expect(message).toContain('the GitHub App private key is not a PEM private key');
    expect(message).not.toContain(TOKEN);
  });

  it('refuses a token file it cannot read, naming the file only', () => {
    expect(() =>
      githubConfig({ githubRepo: 'ops/env', githubTokenFile: '/nonexistent/token' }, {}),
    ).toThrow('cannot read the GitHub token file /nonexistent/token (ENOENT)');
  });
});

describe('repository names', () => {
  it('accepts OWNER/NAME as GitHub allows them and nothing else', () => {
    expect(parseRepoName('ops/env')).toEqual({ owner: 'ops', repo: 'env' });
    expect(parseRepoName('ops/env.git')).toEqual({ owner: 'ops', repo: 'env' });
    for (const bad of ['ops', 'ops/env/x', '-ops/env', 'ops/..', 'ops/e nv', '../etc']) {
      expect(parseRepoName(bad), bad).toBeUndefined();
    }
  });

  it('finds the repository of the followed URL without credentials', () => {
    expect(githubRepoName({}, {}, 'https://x-access-token:abc@github.com/ops/env.git')).toEqual({
      owner: 'ops',
      repo: 'env',
    });
    expect(githubRepoName({}, {}, '/srv/env')).toBeUndefined();
  });

  it("names a commit's page on the web host", () => {
    const page = commitPage({
      webUrl: 'https://ghe.example.org',
      repo: { owner: 'ops', repo: 'env' },
    });
    expect(page('abc')).toBe('https://ghe.example.org/ops/env/commit/abc');
  });

  it('derives the web URL from the API URL', () => {
    expect(webUrlOf('https://api.github.com')).toBe('https://github.com');
    expect(webUrlOf('https://ghe.example.org/api/v3')).toBe('https://ghe.example.org');
  });
});
