import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { createGitEnvRepo, type GitEnvRepoOptions } from '../../src/git/git-env-repo.js';
import type { EnvRepo } from '../../src/git/env-repo.js';
import type { Log } from '../../src/util/log.js';
import { testTempDir } from '../testbed/temp-dirs.js';

export const PERSON = { name: 'Test Person', email: 'person@example.test' };
export const BOT = { name: 'dockstack bot', email: 'bot@dockstack.test' };

/** The environment of the tests' own git commands: isolated from the machine, a test author. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: PERSON.name,
    GIT_AUTHOR_EMAIL: PERSON.email,
    GIT_COMMITTER_NAME: PERSON.name,
    GIT_COMMITTER_EMAIL: PERSON.email,
  };
}

/** Runs git and returns its stdout without the final newline. */
export function git(cwd: string, args: readonly string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input === undefined ? {} : { input }),
  }).replace(/\n$/, '');
}

/** A fresh folder under the system's temporary folder, and its removal. */
export function tempDir(): { path: string; remove: () => void } {
  const path = testTempDir('git');
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A bare env repo (branch main) and a person's clone that commits and pushes to it. */
export interface RemoteFixture {
  /** The bare repository's path. */
  bare: string;
  fileUrl: string;
  /** The person's working tree. */
  clone: string;
  /**
   * Writes files in the person's clone on its current branch, commits them and pushes that
   * branch; returns the new head.
   */
  push(files: Record<string, string>, message: string): string;
  /** The branch head in the bare repository. */
  head(): string;
  /** Every value the branch took in the bare repository, oldest first. */
  history(): string[];
  isAncestor(ancestor: string, of: string): boolean;
}

/** Creates the bare repo NAME under `root` with a first commit holding `files`. */
export function createRemote(
  root: string,
  files: Record<string, string>,
  name = 'env.git',
): RemoteFixture {
  const bare = join(root, name);
  git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  git(bare, ['config', 'http.receivepack', 'true']);
  git(bare, ['config', 'core.logAllRefUpdates', 'always']);
  const clone = join(root, `${name}-person`);
  git(root, ['clone', '--quiet', bare, clone]);
  git(clone, ['checkout', '--quiet', '-b', 'main']);
  const fixture: RemoteFixture = {
    bare,
    fileUrl: `file://${bare}`,
    clone,
    push: (changed, message) => {
      const branch = git(clone, ['symbolic-ref', '--short', 'HEAD']);
      if (git(clone, ['ls-remote', 'origin', `refs/heads/${branch}`]) !== '') {
        git(clone, ['pull', '--quiet', '--ff-only', 'origin', branch]);
      }
      writeFiles(clone, changed);
      git(clone, ['add', '--all']);
      git(clone, ['commit', '--quiet', '--allow-empty', '--file', '-'], message);
      git(clone, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
      return git(clone, ['rev-parse', 'HEAD']);
    },
    head: () => git(bare, ['rev-parse', 'refs/heads/main']),
    history: () =>
      git(bare, ['reflog', 'show', '--format=%H', 'refs/heads/main', '--'])
        .split('\n')
        .filter((line) => line !== '')
        .reverse(),
    isAncestor: (ancestor, of) => {
      try {
        git(bare, ['merge-base', '--is-ancestor', ancestor, of]);
        return true;
      } catch {
        return false;
      }
    },
  };
  fixture.push(files, 'Initial environment');
  return fixture;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Log lines the adapter wrote, by message. */
export interface RecordedLog extends Log {
  lines: { level: 'debug' | 'info' | 'warn' | 'error'; meta: object; message: string }[];
  /** How many git commands ran. */
  commands(): number;
}

export function recordingLog(): RecordedLog {
  const lines: RecordedLog['lines'] = [];
  return {
    lines,
    debug: (meta, message) => lines.push({ level: 'debug', meta, message }),
    info: (meta, message) => lines.push({ level: 'info', meta, message }),
    warn: (meta, message) => lines.push({ level: 'warn', meta, message }),
    error: (meta, message) => lines.push({ level: 'error', meta, message }),
    commands: () => lines.filter((line) => line.message === 'git').length,
  };
}

/** The adapter with the tests' defaults: the bot as author, no global config. */
export function openRepo(
  url: string,
  workDir: string,
  options: Partial<GitEnvRepoOptions> = {},
): EnvRepo {
  return createGitEnvRepo({
    url,
    branch: 'main',
    workDir,
    author: BOT,
    home: '/dev/null',
    ...options,
  });
}
