import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the dockstack CLI from source in a child process, as a user would run it. */
export function runDockstack(args: readonly string[], cwd = ROOT): Run {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
