import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { containerFolder, tarArchive, UploadPathError, type UploadFile } from './tar-archive.js';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Unpacks `archive` with GNU tar into a fresh folder; returns the folder and tar's listing. */
function unpack(archive: Buffer): { dir: string; listing: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dockstack-tar-'));
  made.push(dir);
  const file = path.join(dir, 'archive.tar');
  writeFileSync(file, archive);
  const out = path.join(dir, 'out');
  execFileSync('mkdir', [out]);
  execFileSync('tar', ['-xpf', file, '-C', out]);
  const listing = execFileSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'utf8' });
  return { dir: out, listing };
}

describe('tarArchive', () => {
  it('packs text and bytes with their modes, in folders tar creates', () => {
    const files: UploadFile[] = [
      { path: 'hosts', content: '10.0.0.1 dns1\n' },
      { path: 'conf.d/a/b.conf', content: 'grüße\n', mode: 0o600 },
      { path: './bin//run.sh', content: new Uint8Array([0x23, 0x21, 0x0a, 0xff]), mode: 0o755 },
      { path: 'empty', content: '' },
      { path: 'big', content: 'x'.repeat(70_000) },
    ];
    const { dir, listing } = unpack(tarArchive(files));
    expect(readFileSync(path.join(dir, 'hosts'), 'utf8')).toBe('10.0.0.1 dns1\n');
    expect(readFileSync(path.join(dir, 'conf.d/a/b.conf'), 'utf8')).toBe('grüße\n');
    expect([...readFileSync(path.join(dir, 'bin/run.sh'))]).toEqual([0x23, 0x21, 0x0a, 0xff]);
    expect(readFileSync(path.join(dir, 'empty'), 'utf8')).toBe('');
    expect(readFileSync(path.join(dir, 'big'), 'utf8')).toBe('x'.repeat(70_000));
    expect(statSync(path.join(dir, 'hosts')).mode & 0o7777).toBe(0o644);
    expect(statSync(path.join(dir, 'conf.d/a/b.conf')).mode & 0o7777).toBe(0o600);
    expect(statSync(path.join(dir, 'bin/run.sh')).mode & 0o7777).toBe(0o755);
    expect(listing).toContain('0/0');
    expect(listing.trim().split('\n')).toHaveLength(5);
  });

  it("gives a file the group it names, by number, and the others root's", () => {
    const archive = tarArchive([
      { path: 'secrets.yaml', content: 'x', mode: 0o640, gid: 113 },
      { path: 'site.pp', content: 'y' },
    ]);
    const { listing } = unpack(archive);
    expect(listing).toMatch(/^-rw-r----- 0\/113 .* secrets\.yaml$/m);
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 .* site\.pp$/m);
    expect(() => tarArchive([{ path: 'a', content: '', gid: -1 }])).toThrow(UploadPathError);
    expect(() => tarArchive([{ path: 'a', content: '', gid: 1.5 }])).toThrow(
      'the group of "a" is not a group number',
    );
  });

  it('puts the files under a prefix', () => {
    const { dir } = unpack(tarArchive([{ path: 'x/y', content: 'z' }], 'etc/dnsmasq.d'));
    expect(readFileSync(path.join(dir, 'etc/dnsmasq.d/x/y'), 'utf8')).toBe('z');
  });

  it('keeps long paths whole: in the ustar prefix, else in a pax header', () => {
    const split = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const long = `${'a'.repeat(60)}/${'b'.repeat(200)}/${'ü'.repeat(40)}.txt`;
    const { dir } = unpack(
      tarArchive([
        { path: split, content: 'split' },
        { path: long, content: 'long' },
      ]),
    );
    expect(readFileSync(path.join(dir, split), 'utf8')).toBe('split');
    expect(readFileSync(path.join(dir, long), 'utf8')).toBe('long');
  });

  it('ends with two zero blocks and pads every entry to 512 bytes', () => {
    const archive = tarArchive([{ path: 'a', content: 'abc' }]);
    expect(archive.length).toBe(512 * 4);
    expect(archive.subarray(1024).every((b) => b === 0)).toBe(true);
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../escape', "'..'"],
    ['a/../../b', "'..'"],
    ['a\0b', 'NUL'],
    ['', 'empty'],
    ['./', 'empty'],
  ])('refuses the path %j (%s)', (bad, word) => {
    expect(() => tarArchive([{ path: bad, content: 'x' }])).toThrow(UploadPathError);
    expect(() => tarArchive([{ path: bad, content: 'x' }])).toThrow(word);
  });

  it('refuses a path given twice and a mode out of range', () => {
    expect(() =>
      tarArchive([
        { path: 'a/b', content: '1' },
        { path: 'a//b', content: '2' },
      ]),
    ).toThrow('twice');
    expect(() => tarArchive([{ path: 'a', content: '', mode: 0o10000 }])).toThrow('mode');
    expect(() => tarArchive([{ path: 'a', content: '', mode: 1.5 }])).toThrow('mode');
  });
});

describe('containerFolder', () => {
  it('normalizes an absolute folder', () => {
    expect(containerFolder('/etc//dnsmasq.d/')).toBe('/etc/dnsmasq.d');
    expect(containerFolder('/')).toBe('/');
  });

  it('refuses a relative folder, a .. and a NUL', () => {
    expect(() => containerFolder('etc')).toThrow('not absolute');
    expect(() => containerFolder('/etc/../root')).toThrow(UploadPathError);
    expect(() => containerFolder('/etc\0')).toThrow(UploadPathError);
  });
});
