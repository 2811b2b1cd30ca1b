import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { GitError } from '../../src/git/git-error.js';
import { createRemote, git, openRepo, tempDir } from './git-fixture.js';

describe('fetching a pull request head', () => {
  const dir = tempDir();
  const remote = createRemote(dir.path, { 'environment.yaml': 'common: {}\n' });
  const repo = openRepo(remote.fileUrl, join(dir.path, 'work'));
  afterAll(() => {
    dir.remove();
  });

  it('fetches refs/pull/N/head from the configured remote, as GitHub publishes it', async () => {
    const head = remote.push({ 'environment.yaml': 'common: { domain: x }\n' }, 'A change');
    git(remote.bare, ['update-ref', 'refs/pull/7/head', head]);
    git(remote.bare, ['update-ref', 'refs/heads/main', remote.history()[0] ?? '']);
    expect(await repo.fetchPull(7)).toBe(head);
    expect(await repo.readFile(head, 'environment.yaml')).toBe('common: { domain: x }\n');
  });

  it('answers undefined for a pull request the remote does not have', async () => {
    expect(await repo.fetchPull(8)).toBeUndefined();
  });

  it('refuses a number that is not a positive integer before git runs', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      await expect(repo.fetchPull(bad)).rejects.toThrow(GitError);
    }
  });
});
