import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { commitAndPush } from '../../src/git/commit-and-push.js';
import type { CommitChange } from '../../src/git/env-repo.js';
import { GitError } from '../../src/git/git-error.js';
import { startGitHttpServer, type GitHttpServer } from '../gitserver/git-http-server.js';
import { createRemote, git, openRepo, tempDir, type RemoteFixture } from './git-fixture.js';

let dir: ReturnType<typeof tempDir>;
let server: GitHttpServer;
let remote: RemoteFixture;
let url: string;
let workDir: string;
let serial = 0;

beforeAll(async () => {
  dir = tempDir();
  server = await startGitHttpServer(dir.path);
});

afterAll(async () => {
  try {
    await server.stop();
  } finally {
    dir.remove();
  }
});

beforeEach(async () => {
  serial++;
  server.hang(false);
  await server.start().catch(() => undefined);
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' }, `env${serial}.git`);
  url = server.url(`env${serial}.git`);
  workDir = join(dir.path, `work${serial}`);
});

afterEach(() => {
  server.hang(false);
});

async function rejection(promise: Promise<unknown>): Promise<GitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GitError)) throw new Error(`expected a GitError, got ${String(error)}`);
  return error;
}

/** A change to environment.yaml that records which head it was rendered on. */
function changeOn(head: string): CommitChange {
  return {
    files: { 'environment.yaml': `services: {}\n# rendered on ${head}\n` },
    message: 'dockstack: converged',
    trailers: { 'Dockstack-Applied': head },
  };
}

describe('over smart HTTP', () => {
  it('clones, fetches, reads and pushes', async () => {
    const repo = openRepo(url, workDir);
    expect(await repo.remoteHead()).toBe(remote.head());
    const head = await repo.fetch();
    expect(head).toBe(remote.head());
    expect(await repo.readFile(head, 'environment.yaml')).toBe('services: {}\n');

    const sha = (await repo.commit(head, changeOn(head).files, 'dockstack: converged', {}))!;
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.head()).toBe(sha);

    const next = remote.push({ 'b.txt': 'b\n' }, 'Add b');
    expect(await repo.remoteHead()).toBe(next);
    expect(await repo.fetch()).toBe(next);
    expect(server.requests).toBeGreaterThan(0);
  });

  it('re-renders on the new head when someone pushed meanwhile, and never forces', async () => {
    const repo = openRepo(url, workDir);
    const heads: string[] = [];
    let theirs = '';
    const sha = await commitAndPush(
      repo,
      (head) => {
        heads.push(head);
        if (heads.length === 1)
          theirs = remote.push({ 'theirs.txt': 'x\n' }, 'A person was faster');
        return Promise.resolve(changeOn(head));
      },
      { attempts: 3, baseDelayMs: 1, sleep: () => Promise.resolve() },
    );

    const first = heads[0]!;
    expect(heads).toEqual([first, theirs]);
    expect(sha).toBeDefined();
    expect(remote.head()).toBe(sha);
    expect(git(remote.bare, ['rev-parse', `${sha!}^`])).toBe(theirs);
    expect(remote.isAncestor(theirs, sha!)).toBe(true);
    expect(git(remote.bare, ['show', `${sha!}:environment.yaml`])).toBe(
      `services: {}\n# rendered on ${theirs}`,
    );
    expect(git(remote.bare, ['show', `${sha!}:theirs.txt`])).toBe('x');
    const history = remote.history();
    expect(history.slice(-3)).toEqual([first, theirs, sha]);
    for (let i = 1; i < history.length; i++) {
      expect(remote.isAncestor(history[i - 1]!, history[i]!)).toBe(true);
    }
  });

  it('gives up with a conflict once every attempt lost its race', async () => {
    const repo = openRepo(url, workDir);
    const pushedByPerson: string[] = [];
    const waits: number[] = [];
    const attempt = commitAndPush(
      repo,
      (head) => {
        pushedByPerson.push(remote.push({ 'n.txt': `${pushedByPerson.length}\n` }, 'Faster again'));
        return Promise.resolve(changeOn(head));
      },
      {
        attempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        random: () => 0.5,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    const error = await rejection(attempt);
    expect(error).toMatchObject({ kind: 'conflict', retryable: false });
    expect(error.message).toBe(
      'push rejected 3 times: the branch kept moving while the commit was made',
    );
    expect(pushedByPerson).toHaveLength(3);
    expect(waits).toEqual([75, 150]);
    expect(remote.head()).toBe(pushedByPerson[2]);
    expect(remote.history().slice(-3)).toEqual(pushedByPerson);
  });

  it('reports a stopped remote as unreachable, and works again once it is back', async () => {
    const repo = openRepo(url, workDir);
    const head = await repo.fetch();
    const sha = (await repo.commit(head, changeOn(head).files, 'm', {}))!;
    await server.stop();

    for (const call of [repo.remoteHead(), repo.fetch(), repo.push(sha)]) {
      const error = await rejection(call);
      expect(error).toMatchObject({ kind: 'unreachable', retryable: true });
      expect(error.message).toMatch(/Connection refused|Failed to connect/);
    }

    await server.start();
    expect(await repo.remoteHead()).toBe(head);
    expect(await repo.push(sha)).toBe('pushed');
    expect(await repo.fetch()).toBe(sha);
  });

  it('gives up on a remote that never answers within the deadline', async () => {
    const repo = openRepo(url, workDir, { remoteTimeoutMs: 1500 });
    const head = await repo.fetch();
    const sha = (await repo.commit(head, changeOn(head).files, 'm', {}))!;
    server.hang(true);

    for (const call of [() => repo.remoteHead(), () => repo.fetch(), () => repo.push(sha)]) {
      const started = performance.now();
      const error = await rejection(call());
      const ms = performance.now() - started;
      expect(error).toMatchObject({ kind: 'unreachable', retryable: true });
      expect(error.message).toMatch(/the remote did not answer within 1\.5 s/);
      expect(ms).toBeGreaterThanOrEqual(1400);
      expect(ms).toBeLessThan(4000);
    }

    server.hang(false);
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.head()).toBe(sha);
  });
});
