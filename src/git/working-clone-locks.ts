import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { GitError } from './git-error.js';

const OWNER_FILE = 'dockstack-owner';
/** Prefix of the temporary index files commits are built in. */
export const TEMP_INDEX_PREFIX = 'dockstack-index-';

/**
 * Claims the working clone for this process, so that locks found in it later can only be the
 * remains of a killed git: refuses (conflict) while another live process holds it. A holder that
 * died, even by `kill -9`, holds nothing: a process counts as the same only with the same start
 * time, so a reused pid does not.
 */
export function claimWorkingClone(dir: string): void {
  const path = join(dir, OWNER_FILE);
  const me = processIdentity(process.pid);
  const holder = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
  if (holder !== '' && holder !== me) {
    const pid = Number(holder.split(' ')[0]);
    if (Number.isInteger(pid) && pid > 0 && processIdentity(pid) === holder) {
      throw new GitError('conflict', `the working clone ${dir} is in use by process ${pid}`);
    }
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${me}\n`);
  renameSync(temporary, path);
}

/** "pid starttime" from /proc, or "pid" alone where /proc does not tell; "" when it is gone. */
function processIdentity(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid} ${start ?? ''}`.trim();
  } catch {
    if (existsSync('/proc/self/stat')) return '';
    try {
      process.kill(pid, 0);
      return String(pid);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? String(pid) : '';
    }
  }
}

/**
 * Removes what a git process killed at any moment leaves in a bare repository: lock files
 * (`index.lock`, `packed-refs.lock`, `refs/**.lock`, ...), temporary packs and the temporary
 * indexes commits are built in. Call only while no git of this process runs in `gitDir`.
 * Returns the paths removed.
 */
export function removeLeftovers(gitDir: string): string[] {
  const removed: string[] = [];
  const remove = (path: string): void => {
    rmSync(path, { force: true, recursive: true });
    removed.push(path);
  };
  for (const name of safeList(gitDir)) {
    if (name.endsWith('.lock') || name.startsWith(TEMP_INDEX_PREFIX)) remove(join(gitDir, name));
  }
  for (const top of ['refs', 'logs']) {
    for (const path of walk(join(gitDir, top))) if (path.endsWith('.lock')) remove(path);
  }
  const pack = join(gitDir, 'objects', 'pack');
  for (const name of safeList(pack)) if (name.startsWith('tmp_')) remove(join(pack, name));
  const info = join(gitDir, 'objects', 'info');
  for (const name of safeList(info)) if (name.endsWith('.lock')) remove(join(info, name));
  return removed;
}

function* walk(dir: string): Generator<string> {
  for (const entry of safeEntries(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

function safeList(dir: string): string[] {
  return safeEntries(dir).map((entry) => entry.name);
}

function safeEntries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
