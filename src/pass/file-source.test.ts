import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { fileSource } from './file-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workingCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'file-source-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'environment.yaml'), 'services: {}\n');
  return dir;
}

describe('fileSource', () => {
  it("reads the file, and the env repo's own Puppet modules beside it when there are some", async () => {
    const dir = workingCopy();
    const plain = await fileSource(join(dir, 'environment.yaml')).read();
    expect(Buffer.from(plain.bytes ?? '').toString()).toBe('services: {}\n');
    expect(plain.modules).toBeUndefined();

    mkdirSync(join(dir, 'puppet', 'modules', 'site', 'manifests'), { recursive: true });
    writeFileSync(
      join(dir, 'puppet', 'modules', 'site', 'manifests', 'init.pp'),
      'class site {}\n',
    );
    const own = await fileSource(join(dir, 'environment.yaml')).read();
    expect([...(own.modules ?? [])]).toEqual([['site/manifests/init.pp', 'class site {}\n']]);
  });

  it('reads the address record beside the file: dhcp-hosts and, once kept, the leases', async () => {
    const dir = workingCopy();
    const file = join(dir, 'environment.yaml');
    expect((await fileSource(file).read()).record).toBeUndefined();
    mkdirSync(join(dir, 'dnsmasq'));
    writeFileSync(join(dir, 'dnsmasq', 'dhcp-hosts'), '02:00:00:00:00:01,gal2,10.0.0.2\n');
    expect((await fileSource(file).read()).record).toEqual({
      dhcpHosts: '02:00:00:00:00:01,gal2,10.0.0.2\n',
    });
    writeFileSync(
      join(dir, 'dnsmasq', 'leases'),
      '02:00:00:00:00:02,gal1,10.0.0.1,2026-01-01T00:00:00Z\n',
    );
    expect((await fileSource(file).read()).record).toEqual({
      dhcpHosts: '02:00:00:00:00:01,gal2,10.0.0.2\n',
      leases: '02:00:00:00:00:02,gal1,10.0.0.1,2026-01-01T00:00:00Z\n',
    });
  });

  it('says why a file cannot be read', async () => {
    const dir = workingCopy();
    const missing = await fileSource(join(dir, 'missing.yaml')).read();
    expect([missing.bytes, missing.unreadable]).toEqual([undefined, 'ENOENT']);
  });
});
