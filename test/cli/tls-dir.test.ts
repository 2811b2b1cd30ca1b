import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { tempDir } from '../git/git-fixture.js';
import { runDockstack } from './run-dockstack.js';

/** An environment whose one host is reached over TLS with `tls` files. */
const environment = (tls: { ca: string; cert: string; key: string }) =>
  [
    'common:',
    '  dnsServer: 10.0.0.1',
    '  domain: endor.lab',
    'services:',
    '  webui:',
    '    webui1: { host: secure }',
    'hosts:',
    '  secure:',
    // Nothing listens there: the files are refused before any connection.
    "    docker: 'tcp://127.0.0.1:1'",
    `    tls: { ca: '${tls.ca}', cert: '${tls.cert}', key: '${tls.key}' }`,
    '',
  ].join('\n');

describe('dockstack plan with tls: files', () => {
  const dir = tempDir();
  const folder = join(dir.path, 'tls');
  mkdirSync(folder);
  afterAll(() => {
    dir.remove();
  });

  const plan = (tls: { ca: string; cert: string; key: string }, ...args: string[]) => {
    const file = join(dir.path, 'environment.yaml');
    writeFileSync(file, environment(tls));
    return runDockstack(['plan', '--env', file, ...args]);
  };

  it('refuses them without a TLS folder, and outside it, reading nothing', () => {
    const none = plan({ ca: '/etc/passwd', cert: 'cert.pem', key: 'key.pem' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --tls-dir DIR (or DOCKSTACK_TLS_DIR)');
    for (const ca of ['/etc/passwd', '/no/such/file', '../escape.pem']) {
      const outside = plan({ ca, cert: 'cert.pem', key: 'key.pem' }, '--tls-dir', folder);
      expect(outside.code).toBe(2);
      expect(outside.stderr).toBe(
        'dockstack: the tls ca of host secure is outside the TLS folder: name a file in it, relative to it (ca.pem)\n',
      );
    }
  });

  it('takes a FIFO in the folder for an unreachable host at once, instead of hanging', () => {
    execFileSync('mkfifo', [join(folder, 'ca.pem')]);
    writeFileSync(join(folder, 'cert.pem'), 'not a certificate\n');
    writeFileSync(join(folder, 'key.pem'), 'not a key\n');
    const fifo = plan({ ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' }, '--tls-dir', folder);
    expect(fifo.code).toBe(1);
    expect(fifo.stdout + fifo.stderr).toContain(
      'host secure unreachable: cannot connect to Docker host secure (tcp://127.0.0.1:1 (TLS)): ' +
        `the TLS ca file ${join(folder, 'ca.pem')} is not a regular file (webui1 not planned)`,
    );
  });
});
