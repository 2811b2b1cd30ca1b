import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../test/cli/run-dockstack.js';
import { listeningPort } from '../test/daemon/listening-port.js';

const KEPT_LOG_LINES = 200;
const STOP_GRACE_MS = 10_000;

/**
 * Builds the CLI from the current source into `dir` as `npm run build` does (transpiled only: the
 * type check is `npm run typecheck`'s job, and dist/ is left alone), beside links to what it reads
 * at run time. Returns the path of its entry point.
 */
export function buildCli(dir: string): string {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')];
  try {
    execFileSync(process.execPath, [tsc, ...args, '--sourceMap', 'false', '--noCheck'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the CLI failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  for (const name of ['templates', 'node_modules', 'package.json']) {
    symlinkSync(join(ROOT, name), join(dir, name));
  }
  return join(dir, 'dist', 'cli', 'main.js');
}

/** `dockstack daemon` running as its own process. */
export interface RunningDaemon {
  pid: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Throws, with the daemon's last log lines, when it has exited. */
  assertAlive(): void;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

/**
 * Starts `CLI daemon --listen 127.0.0.1:0 ARGS` as an installed `dockstack` runs, through the
 * file's shebang (with its Node flags), and waits until it listens.
 */
export async function startBuiltDaemon(
  cli: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<RunningDaemon> {
  chmodSync(cli, 0o755);
  const child = spawn(cli, ['daemon', '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: string[] = [];
  const tail = () => logs.slice(-20).join('\n');
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const port = await listeningPort(child, logs, KEPT_LOG_LINES);
  if (child.pid === undefined) throw new Error('the daemon has no pid');
  return {
    pid: child.pid,
    base: `http://127.0.0.1:${String(port)}`,
    assertAlive: () => {
      if (hasExited()) throw new Error(`the daemon exited:\n${tail()}`);
    },
    stop: async () => {
      if (hasExited()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
