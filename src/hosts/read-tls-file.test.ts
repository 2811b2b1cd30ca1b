import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { MAX_TLS_FILE, pathInFolder, readTlsFile, TlsFileError } from './read-tls-file.js';

const root = mkdtempSync(join(tmpdir(), 'dockstack-tls-'));
const folder = join(root, 'tls');
mkdirSync(folder);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function refusal(path: string, inFolder = true): string {
  try {
    readTlsFile(path, 'ca', inFolder ? folder : undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(TlsFileError);
    return (error as Error).message;
  }
  throw new Error(`${path} was read`);
}

describe('readTlsFile', () => {
  it('reads a regular file of the folder', () => {
    writeFileSync(join(folder, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    expect(readTlsFile(join(folder, 'ca.pem'), 'ca', folder).toString()).toBe(
      '-----BEGIN CERTIFICATE-----\n',
    );
  });

  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = join(folder, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(refusal(fifo)).toBe(`the TLS ca file ${fifo} is not a regular file`);
    expect(refusal(fifo, false)).toBe(`the TLS ca file ${fifo} is not a regular file`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a folder, a device, a file over the limit and a missing file', () => {
    expect(refusal(folder, false)).toBe(`the TLS ca file ${folder} is not a regular file`);
    expect(refusal('/dev/zero', false)).toBe('the TLS ca file /dev/zero is not a regular file');
    const big = join(folder, 'big.pem');
    writeFileSync(big, Buffer.alloc(MAX_TLS_FILE + 1));
    expect(refusal(big)).toBe(`the TLS ca file ${big} is over 64 KiB`);
    const missing = join(folder, 'missing.pem');
    expect(refusal(missing)).toBe(`the TLS ca file ${missing} does not exist or cannot be read`);
  });

  it('refuses a link out of the folder', () => {
    const outside = join(root, 'outside.pem');
    writeFileSync(outside, 'x');
    const link = join(folder, 'link.pem');
    symlinkSync(outside, link);
    expect(refusal(link)).toBe(`the TLS ca file ${link} links outside the TLS folder`);
  });
});

describe('pathInFolder', () => {
  it('takes relative paths from the folder and keeps absolute ones only inside it', () => {
    expect(pathInFolder('/srv/tls', 'ca.pem')).toBe('/srv/tls/ca.pem');
    expect(pathInFolder('/srv/tls', 'h2/ca.pem')).toBe('/srv/tls/h2/ca.pem');
    expect(pathInFolder('/srv/tls', '/srv/tls/ca.pem')).toBe('/srv/tls/ca.pem');
    for (const outside of [
      '/etc/passwd',
      '../x',
      '/srv/tls/../x',
      '/srv/tlsx/ca.pem',
      '.',
      '/srv/tls',
    ]) {
      expect(pathInFolder('/srv/tls', outside)).toBeUndefined();
    }
  });
});
