import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EnvRepo } from '../../src/git/env-repo.js';
import { checkBranch } from '../../src/git/git-input.js';
import { GitError } from '../../src/git/git-error.js';
import {
  BOT,
  createRemote,
  gitEnv,
  openRepo,
  recordingLog,
  tempDir,
  type RecordedLog,
  type RemoteFixture,
} from './git-fixture.js';

const PWNED = '/tmp/dockstack-pwned';

let dir: ReturnType<typeof tempDir>;
let remote: RemoteFixture;
let repo: EnvRepo;
let log: RecordedLog;
let head: string;

beforeAll(async () => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
  log = recordingLog();
  repo = openRepo(remote.fileUrl, join(dir.path, 'repo'), { log });
  head = await repo.fetch();
});

afterAll(() => {
  dir.remove();
});

/** The GitError the promise of `call` rejects with, and how many git commands it ran. */
async function refused(call: () => Promise<unknown>): Promise<{ error: GitError; ran: number }> {
  const before = log.commands();
  const promise = call();
  expect(promise).toBeInstanceOf(Promise);
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GitError)) throw new Error(`expected a GitError, got ${String(error)}`);
  return { error, ran: log.commands() - before };
}

describe('hostile input', () => {
  it.each([
    '--upload-pack=touch /tmp/dockstack-pwned',
    '-oProxyCommand=touch /tmp/dockstack-pwned',
    'ext::sh -c touch% /tmp/dockstack-pwned',
    'ext::sh',
    'fd::7',
    'git://127.0.0.1/env.git',
    'ftp://127.0.0.1/env.git',
    'http://example.com/env.git',
    'https://127.0.0.1/env.git --upload-pack=x',
    'https://127.0.0.1/env.git\n',
    'ssh://-oProxyCommand=x/env.git',
    'relative/env.git',
    '',
  ])('refuses the URL %j before git runs', (url) => {
    const workDir = join(dir.path, 'never');
    expect(() => openRepo(url, workDir)).toThrow(GitError);
    expect(() => openRepo(url, workDir)).toThrow(/^repository URL .* refused: /);
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(PWNED)).toBe(false);
  });

  it.each([
    '-x',
    '--upload-pack=x',
    'a..b',
    'HEAD',
    'main.lock',
    'a b',
    'a:b',
    '.hidden',
    'x/',
    '',
  ])('refuses the branch %j before git runs', (branch) => {
    const workDir = join(dir.path, 'never');
    expect(() => openRepo(remote.fileUrl, workDir, { branch })).toThrow(/^branch .* refused: /);
    expect(existsSync(workDir)).toBe(false);
  });

  it.each(['../etc/passwd', '/etc/passwd', '-x', 'a/../b', './a', '.git/config', 'a//b', 'a\0b'])(
    'refuses the path %j before git runs',
    async (path) => {
      const read = await refused(() => repo.readFile(head, path));
      expect(read.error.kind).toBe('invalid');
      expect(read.error.message).toMatch(/^path .* refused: /);
      expect(read.ran).toBe(0);
      const write = await refused(() => repo.commit(head, { [path]: 'x' }, 'm', {}));
      expect(write.error.message).toMatch(/^path .* refused: /);
      expect(write.ran).toBe(0);
    },
  );

  it.each(['HEAD', '--all', 'main', 'abc', 'g'.repeat(40)])(
    'refuses the commit %j before git runs',
    async (sha) => {
      for (const call of [
        () => repo.readFile(sha, 'environment.yaml'),
        () => repo.firstParentLog(sha),
        () => repo.firstParentLog(head, sha),
        () => repo.findLastTrailer(sha, 'Dockstack-Applied'),
        () => repo.commit(sha, { a: 'b' }, 'm', {}),
        () => repo.push(sha),
      ]) {
        const { error, ran } = await refused(call);
        expect(error.kind).toBe('invalid');
        expect(ran).toBe(0);
      }
    },
  );

  it('refuses trailers and messages git would misread, before git runs', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ 'Dockstack-Applied': 'x\nEvil: 1' }, 'm', /trailer Dockstack-Applied refused/],
      [{ 'Bad Key': 'x' }, 'm', /trailer key "Bad Key" refused/],
      [{ 'Key:': 'x' }, 'm', /trailer key "Key:" refused/],
      [{ Empty: ' ' }, 'm', /trailer Empty refused/],
      [{}, ' \n ', /must not be empty/],
      [{}, 'a\0b', /must not be empty or contain NUL/],
    ];
    for (const [trailers, message, pattern] of cases) {
      const { error, ran } = await refused(() => repo.commit(head, { a: 'b' }, message, trailers));
      expect(error.message).toMatch(pattern);
      expect(ran).toBe(0);
    }
    expect((await refused(() => repo.findLastTrailer(head, '--all'))).ran).toBe(0);
    expect((await refused(() => repo.firstParentLog(head, undefined, 0))).ran).toBe(0);
  });

  it.each([
    { name: 'Bot\nEvil: 1', email: BOT.email },
    { name: 'Bot <evil@x>', email: BOT.email },
    { name: BOT.name, email: 'bot@x>' },
    { name: BOT.name, email: 'not-an-address' },
    { name: '', email: BOT.email },
  ])('refuses the bot author %j', (author) => {
    expect(() => openRepo(remote.fileUrl, join(dir.path, 'never'), { author })).toThrow(
      /^author (name|e-mail) .* refused/,
    );
  });

  it('accepts exactly the branch names git check-ref-format --branch accepts', () => {
    const names = [
      'main',
      'release/1.2',
      'feature/x-y_z',
      'a.b',
      'a..b',
      'a/.b',
      'a.lock',
      'a/b.lock/c',
      'a b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[1]',
      'a\\b',
      'a@{1}',
      'a/',
      '/a',
      'a//b',
      'a.',
      'ünïcode',
      'a\tb',
      'x@y',
    ];
    for (const name of names) {
      let gitAccepts = true;
      try {
        execFileSync('git', ['check-ref-format', '--branch', name], {
          env: gitEnv(),
          stdio: 'pipe',
          cwd: dir.path,
        });
      } catch {
        gitAccepts = false;
      }
      let weAccept = true;
      try {
        checkBranch(name);
      } catch {
        weAccept = false;
      }
      expect({ name, accepted: weAccept }).toEqual({ name, accepted: gitAccepts });
    }
  });
});
