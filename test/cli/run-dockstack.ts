import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Variables set (or, undefined, unset) for this run. */
  env?: NodeJS.ProcessEnv;
  /** What the command reads on stdin. */
  input?: string;
}

/** Runs the dockstack CLI from source in a child process, as a user would run it. */
export function runDockstack(args: readonly string[], cwd = ROOT, options: RunOptions = {}): Run {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      timeout: 60_000,
      ...(options.input === undefined ? {} : { input: options.input }),
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
