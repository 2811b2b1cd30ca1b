import { spawn } from 'node:child_process';

import { ROOT, type Run } from './run-dockstack.js';

/**
 * Runs the dockstack CLI from source in a child process without blocking this one, so servers
 * the test runs (a git remote over HTTP, a fake GitHub) can answer it. `env` is added to this
 * process's environment; a value of undefined removes the variable.
 */
export function runDockstackAsync(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
