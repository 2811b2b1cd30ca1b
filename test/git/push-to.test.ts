import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GitError } from '../../src/git/git-error.js';
import { createRemote, git, openRepo, tempDir, type RemoteFixture } from './git-fixture.js';

let dir: ReturnType<typeof tempDir>;
let remote: RemoteFixture;
let workDir: string;

beforeEach(() => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
  workDir = join(dir.path, 'work');
});

afterEach(() => {
  dir.remove();
});

const branchHead = (name: string) => git(remote.bare, ['rev-parse', `refs/heads/${name}`]);

describe('pushTo', () => {
  it('creates a new branch at the commit and leaves the followed branch alone', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    const sha = await repo.commit(
      head,
      { 'environment.yaml': 'services: { dns: {} }\n' },
      'Add dns',
      {},
    );
    expect(await repo.pushTo(sha!, 'dockstack/create-dns1-abc')).toBe('pushed');
    expect(branchHead('dockstack/create-dns1-abc')).toBe(sha);
    expect(remote.head()).toBe(head);
  });

  it('never moves a branch that exists, not even forward', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    git(remote.bare, ['branch', 'taken', head]);
    const sha = await repo.commit(
      head,
      { 'environment.yaml': 'services: { dns: {} }\n' },
      'Add dns',
      {},
    );
    expect(await repo.pushTo(sha!, 'taken')).toBe('exists');
    expect(await repo.pushTo(head, 'taken')).toBe('exists');
    expect(branchHead('taken')).toBe(head);
  });

  it('refuses branch names git would misread, and the followed branch', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    for (const name of ['-x', '--force', 'a..b', 'a b', 'HEAD', 'x.lock', 'main']) {
      await expect(repo.pushTo(head, name)).rejects.toBeInstanceOf(GitError);
    }
    expect(git(remote.bare, ['for-each-ref', '--format=%(refname)'])).toBe('refs/heads/main');
  });
});
