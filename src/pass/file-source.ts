import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { MAX_BYTES } from '../environment/load-environment.js';
import { modulesBeside } from '../render/puppet-modules.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import { readTextIfAny } from '../util/read-text-if-any.js';
import { readRecord } from './read-record.js';
import type { Source } from './source.js';

/**
 * The environment file at `path` on disk, with the secrets file beside it. Reads at most
 * MAX_BYTES + 1 bytes, so a huge file is refused by the load stage without being read whole; a
 * file that cannot be read is a problem of the load stage, not an exception.
 */
export function fileSource(path: string): Source {
  return {
    read: async () => {
      try {
        const bytes = readCapped(path, MAX_BYTES + 1);
        const record = await readRecord(path, (at) => Promise.resolve(readTextIfAny(at)));
        const secrets = readTextIfAny(secretsPath(path));
        const modules = modulesBeside(path);
        return {
          file: path,
          bytes,
          ...(record === undefined ? {} : { record }),
          ...(secrets === undefined ? {} : { secrets }),
          ...(modules === undefined ? {} : { modules }),
        };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        return { file: path, bytes: undefined, unreadable: code };
      }
    },
  };
}

function readCapped(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const n = readSync(fd, buffer, length, limit - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
