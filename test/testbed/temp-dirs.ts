import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `dockstack-KIND-PID-XXXXXX`: a test's folder, named after the process that made it. */
const TEST_FOLDER = /^dockstack-[a-z-]+?-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * A fresh folder under the system's temporary folder for a test, named after this process, so
 * that a later run can tell it from the folders of a run that still goes on.
 */
export function testTempDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `dockstack-${kind}-${String(process.pid)}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the test folders of processes that no longer run: a run killed before its teardown
 * (a test can clean up after itself only when it gets to).
 */
export function removeStaleTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = TEST_FOLDER.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** vitest globalSetup: the folders killed runs left behind go before a run starts. */
export default function setup(): void {
  removeStaleTempDirs();
}
