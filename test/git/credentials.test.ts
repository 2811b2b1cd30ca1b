import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GitError } from '../../src/git/git-error.js';
import { startGitHttpServer, type GitHttpServer } from '../gitserver/git-http-server.js';
import {
  createRemote,
  openRepo,
  recordingLog,
  tempDir,
  type RemoteFixture,
} from './git-fixture.js';

const TOKEN = 'ghs_T0ken-that-must-not-leak';

let dir: ReturnType<typeof tempDir>;
let server: GitHttpServer;
let remote: RemoteFixture;
let open: GitHttpServer;

beforeAll(async () => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
  server = await startGitHttpServer(dir.path, {
    basicAuth: { user: 'x-access-token', password: TOKEN },
  });
  open = await startGitHttpServer(dir.path);
});

afterAll(async () => {
  await server.stop();
  await open.stop();
  dir.remove();
});

async function rejection(promise: Promise<unknown>): Promise<GitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GitError)) throw new Error(`expected a GitError, got ${String(error)}`);
  return error;
}

const withToken = (token: string, port: number, repo = 'env.git') =>
  `http://x-access-token:${token}@127.0.0.1:${port}/${repo}`;

describe('credentials', () => {
  it('authenticates with a token in the URL, over fetch and push', async () => {
    const repo = openRepo(withToken(TOKEN, server.port), join(dir.path, 'token'));
    const head = await repo.fetch();
    expect(head).toBe(remote.head());
    const sha = (await repo.commit(head, { 'a.txt': 'a\n' }, 'Bot', {}))!;
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.head()).toBe(sha);
  });

  it('authenticates through a credential helper in the HOME it is given', async () => {
    const home = join(dir.path, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, '.gitconfig'),
      `[credential]\n\thelper = "!f() { echo username=x-access-token; echo password=${TOKEN}; }; f"\n`,
    );
    const repo = openRepo(server.url('env.git'), join(dir.path, 'helper'), { home });
    expect(await repo.remoteHead()).toBe(remote.head());

    const without = openRepo(server.url('env.git'), join(dir.path, 'nohelper'));
    const error = await rejection(without.remoteHead());
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(error.message).toContain('terminal prompts disabled');
  });

  it('refuses a wrong token as rejected, and never repeats a token', async () => {
    const log = recordingLog();
    const wrong = 'ghs_wrong-T0ken-also-secret';
    const repo = openRepo(withToken(wrong, server.port), join(dir.path, 'wrong'), { log });
    const refused = await rejection(repo.fetch());
    expect(refused).toMatchObject({ kind: 'rejected', retryable: false });

    const missing = openRepo(withToken(TOKEN, open.port, 'missing.git'), join(dir.path, 'm'), {
      log,
    });
    const notFound = await rejection(missing.fetch());
    expect(notFound.kind).toBe('invalid');

    const down = openRepo('https://user:secret@127.0.0.1:1/x.git', join(dir.path, 'd'), { log });
    const unreachable = await rejection(down.fetch());
    expect(unreachable).toMatchObject({ kind: 'unreachable', retryable: true });

    for (const error of [refused, notFound, unreachable]) {
      const text = `${error.message}\n${error.stderr}\n${String(error.stack)}`;
      expect(text).toContain('127.0.0.1');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain('secret');
    }
    const logged = JSON.stringify(log.lines);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(wrong);
    expect(logged).not.toContain('secret');
  });
});
