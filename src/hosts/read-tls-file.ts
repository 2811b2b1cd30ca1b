import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/** The largest TLS file read: certificates and keys are a few KiB; a chain rarely 20. */
export const MAX_TLS_FILE = 64 * 1024;

/**
 * A TLS file that cannot be used, with a message that names no path outside its folder (its host
 * counts as unreachable, with this reason).
 */
export class TlsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsFileError';
  }
}

/**
 * `path` inside `folder`: relative paths are taken from the folder, absolute ones must lie in it.
 * Decided on the text alone, so an answer never tells what exists elsewhere; undefined when
 * outside.
 */
export function pathInFolder(folder: string, path: string): string | undefined {
  const full = isAbsolute(path) ? normalize(path) : join(folder, path);
  return isInside(normalize(folder), full) ? full : undefined;
}

/**
 * The bytes of a TLS file: a regular file of at most MAX_TLS_FILE bytes, opened without waiting
 * (a FIFO or a device is refused, never read), and, given `folder`, one whose real path lies in
 * that folder (a link out of it is refused). Throws TlsFileError saying what is wrong with it.
 */
export function readTlsFile(path: string, what: string, folder?: string): Buffer {
  const refuse = (why: string): never => {
    throw new TlsFileError(`the TLS ${what} file ${path} ${why}`);
  };
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return refuse('does not exist or cannot be read');
  }
  if (folder !== undefined) {
    let realFolder: string;
    try {
      realFolder = realpathSync(folder);
    } catch {
      return refuse('is in a TLS folder that does not exist');
    }
    if (!isInside(realFolder, real)) refuse('links outside the TLS folder');
  }
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return refuse('cannot be opened');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) refuse('is not a regular file');
    if (stat.size > MAX_TLS_FILE) refuse(`is over ${String(MAX_TLS_FILE / 1024)} KiB`);
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
