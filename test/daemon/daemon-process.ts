import { spawn, type ChildProcess } from 'node:child_process';

import { ROOT } from '../cli/run-dockstack.js';
import { git, type RemoteFixture } from '../git/git-fixture.js';
import { listeningPort } from './listening-port.js';

export interface DaemonProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Every log line so far. */
  logs: string[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `dockstack daemon` from source as its own process and waits until it listens. */
export async function startDaemon(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<DaemonProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `${ROOT}src/cli/main.ts`, 'daemon', '--listen', '127.0.0.1:0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logs: string[] = [];
  const port = await listeningPort(child, logs);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    child,
    base: `http://127.0.0.1:${String(port)}`,
    logs,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The daemon's `/api/status`, read as the test's own view of it. */
export async function statusOf<T>(daemon: DaemonProcess | undefined): Promise<T> {
  return (await fetch(`${daemon?.base ?? ''}/api/status`)).json() as Promise<T>;
}

/** Waits until the daemon applied its first commit and it converged. */
export function firstConverged(
  status: () => Promise<{ lastApplied: { converged: boolean } | null }>,
  ms?: number,
): Promise<true> {
  return waitFor(
    'the first commit applied',
    async () => ((await status()).lastApplied?.converged === true ? true : undefined),
    ms,
  );
}

/** A trailer's value on a commit of a bare repository, or '' without it. */
export function trailerOf(bare: string, sha: string, key: string): string {
  return git(bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();
}

/** Waits for the bot's commit at the head of `remote` that records `applied`; its sha. */
export function botCommitOn(
  remote: Pick<RemoteFixture, 'bare' | 'head'>,
  applied: string,
  ms?: number,
): Promise<string> {
  return waitFor(
    `the bot's commit that applies ${applied.slice(0, 12)}`,
    () => {
      const head = remote.head();
      return trailerOf(remote.bare, head, 'Dockstack-Applied') === applied ? head : undefined;
    },
    ms,
  );
}
