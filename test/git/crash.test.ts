import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GitError } from '../../src/git/git-error.js';
import {
  createRemote,
  git,
  gitEnv,
  openRepo,
  recordingLog,
  tempDir,
  type RemoteFixture,
} from './git-fixture.js';

let dir: ReturnType<typeof tempDir>;
let remote: RemoteFixture;
let workDir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
  workDir = join(dir.path, 'repo');
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  dir.remove();
});

/** The git processes running with `cwd` as their working directory, with their subcommand. */
function gitProcessesIn(cwd: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm.startsWith('git') && readlinkSync(`/proc/${entry}/cwd`) === cwd) {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const command =
          argv.slice(1).find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? '';
        found.push({ pid: Number(entry), command });
      }
    } catch {
      continue;
    }
  }
  return found;
}

/** Starts git in the working clone with stdin open, waits until `ready` holds, then SIGKILLs it. */
async function killWhenReady(
  args: string[],
  env: Record<string, string>,
  input: string,
  ready: () => boolean,
): Promise<void> {
  const child = spawn('git', args, { cwd: workDir, env: { ...gitEnv(), ...env } });
  children.push(child);
  child.stdin.write(input);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 200 && !ready(); i++) await sleep(10);
  expect(ready()).toBe(true);
  child.kill('SIGKILL');
  await exited;
}

describe('a working clone after a crash', () => {
  it('is usable after git processes were killed holding their locks', async () => {
    const first = openRepo(remote.fileUrl, workDir);
    const head = await first.fetch();

    const tracking = join(workDir, 'refs/remotes/origin/main.lock');
    await killWhenReady(
      ['update-ref', '--stdin'],
      {},
      `start\nupdate refs/remotes/origin/main ${head}\nprepare\n`,
      () => existsSync(tracking),
    );
    const index = join(workDir, 'dockstack-index-4194303-0123456789ab');
    await killWhenReady(['update-index', '-z', '--index-info'], { GIT_INDEX_FILE: index }, '', () =>
      existsSync(`${index}.lock`),
    );
    writeFileSync(join(workDir, 'index.lock'), '');
    writeFileSync(join(workDir, 'packed-refs.lock'), '');
    mkdirSync(join(workDir, 'objects/pack'), { recursive: true });
    writeFileSync(join(workDir, 'objects/pack/tmp_pack_abc123'), 'partial');
    const next = remote.push({ 'environment.yaml': 'services: { dns: {} }\n' }, 'Add dns');
    expect(() =>
      git(workDir, ['fetch', '--quiet', remote.bare, '+refs/heads/main:refs/remotes/origin/main']),
    ).toThrow(/cannot lock ref|Unable to create/);

    const log = recordingLog();
    const repo = openRepo(remote.fileUrl, workDir, { log });
    expect(await repo.fetch()).toBe(next);
    const sha = (await repo.commit(next, { 'site.pp': 'node default {}\n' }, 'Bot', {}))!;
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.head()).toBe(sha);

    const warned = log.lines.find((line) => line.level === 'warn');
    expect((warned?.meta as { removed?: string[] } | undefined)?.removed).toEqual(
      expect.arrayContaining([tracking, `${index}.lock`, join(workDir, 'index.lock')]),
    );
    for (const path of [tracking, `${index}.lock`, join(workDir, 'packed-refs.lock')]) {
      expect(existsSync(path)).toBe(false);
    }
  });

  it('stays usable when git is killed with SIGKILL at any point of a commit', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    const started = performance.now();
    await repo.commit(
      head,
      { 'environment.yaml': 'timing\n', 'big.txt': 'x'.repeat(1_000_000) },
      'T',
      {},
    );
    const span = performance.now() - started;
    const outcomes = { killed: 0, failed: 0, made: 0 };
    const killedCommands = new Set<string>();
    for (let round = 0; round < 16; round++) {
      const files = { 'environment.yaml': `round: ${round}\n`, 'big.txt': 'x'.repeat(1_000_000) };
      const attempt = repo.commit(head, files, `Round ${round}`, { 'Dockstack-Round': `${round}` });
      const settled = attempt.then(
        () => 'made' as const,
        (error: unknown) => {
          expect(error).toBeInstanceOf(GitError);
          return 'failed' as const;
        },
      );
      const state = { done: false };
      void settled.then(() => (state.done = true));
      await sleep((span * round) / 16);
      while (!state.done) {
        const found = gitProcessesIn(workDir);
        for (const { pid, command } of found) {
          process.kill(pid, 'SIGKILL');
          killedCommands.add(command);
        }
        if (found.length > 0) {
          outcomes.killed++;
          break;
        }
        await sleep(1);
      }
      outcomes[await settled]++;
    }
    expect(outcomes.killed).toBeGreaterThan(3);
    expect(outcomes.failed).toBeGreaterThan(3);
    expect(killedCommands.size).toBeGreaterThanOrEqual(3);

    const sha = (await repo.commit(head, { 'environment.yaml': 'after\n' }, 'After', {}))!;
    expect(await repo.push(sha)).toBe('pushed');
    expect(git(remote.bare, ['show', `${sha}:environment.yaml`])).toBe('after');
    expect(readdirSync(workDir).filter((name) => name.startsWith('dockstack-index-'))).toEqual([]);
    git(workDir, ['fsck', '--no-dangling', '--connectivity-only']);
  });

  it('is refused while another live process holds it, and taken over once that one died', async () => {
    const first = openRepo(remote.fileUrl, workDir);
    await first.fetch();
    const holder = spawn('sleep', ['30']);
    children.push(holder);
    const stat = readFileSync(`/proc/${String(holder.pid)}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
    writeFileSync(join(workDir, 'dockstack-owner'), `${String(holder.pid)} ${start}\n`);

    const second = openRepo(remote.fileUrl, workDir);
    const error: unknown = await second.fetch().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({
      kind: 'conflict',
      message: `the working clone ${workDir} is in use by process ${String(holder.pid)}`,
    });

    const exited = new Promise((resolve) => holder.on('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const third = openRepo(remote.fileUrl, workDir);
    expect(await third.fetch()).toBe(remote.head());
  });
});
