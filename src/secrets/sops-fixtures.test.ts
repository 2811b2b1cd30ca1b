import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

import { armor, Decrypter } from 'age-encryption';

import { readIdentities, type AgeKeyring } from './age-keyring.js';
import { openSopsFile, openWithKey } from './open-sops-file.js';
import { plainDocument } from './plain-document.js';
import { readSopsFile } from './read-sops-file.js';
import { sopsText } from './seal-document.js';

const FIXTURES = new URL('../../test/fixtures/sops/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

async function keyring(file: string): Promise<AgeKeyring> {
  const read = await readIdentities(fixture(file), file);
  return { identities: read.identities, sources: [read.source] };
}

/** GnuPG with sops's functional test key, in a home of its own. */
const gnupgHome = mkdtempSync(join(tmpdir(), 'dockstack-gpg-'));
afterAll(() => {
  rmSync(gnupgHome, { recursive: true, force: true });
});
execFileSync('gpg', ['--batch', '--quiet', '--import'], {
  input: fixture('sops-functional-tests-key.asc'),
  env: { ...process.env, GNUPGHOME: gnupgHome },
  stdio: ['pipe', 'ignore', 'ignore'],
});

/** The data key of a file sops encrypted with PGP, as GnuPG decrypts it. */
function pgpDataKey(text: string): Buffer {
  const enc = (parse(text) as { sops: { pgp: { enc: string }[] } }).sops.pgp[0]?.enc ?? '';
  return execFileSync('gpg', ['--batch', '--quiet', '--decrypt'], {
    input: enc,
    env: { ...process.env, GNUPGHOME: gnupgHome },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
}

describe('files sops wrote', () => {
  it("decrypts sops's age data key with sops's test identity, and not with the other", async () => {
    const decrypter = new Decrypter();
    const identities = (await keyring('sops-mock-identities.txt')).identities;
    decrypter.addIdentity(identities[0]?.identity ?? '');
    const file = armor.decode(fixture('sops-mock-encrypted-key.age'));
    expect(await decrypter.decrypt(file, 'text')).toBe('data');
    const other = new Decrypter();
    other.addIdentity(identities[1]?.identity ?? '');
    await expect(other.decrypt(file)).rejects.toThrow(/no identity matched/);
  });

  it('reads a file sops 3.8.1 encrypted to three age recipients: every type, nested, lists', async () => {
    const opening = await openSopsFile(
      fixture('sops-age-js-secret.enc.yaml'),
      'secret.enc.yaml',
      await keyring('sops-age-js-key.txt'),
    );
    if (!opening.ok) throw new Error(JSON.stringify(opening.problems));
    plainDocument(opening.opened);
    expect(parse(sopsText(opening.opened.sops.doc))).toEqual({
      secret: 'this is a secret',
      string: 'string',
      int: 7,
      float: 3.14,
      boolean: true,
      complex: { value: 'this is a secret', array: ['one', 'two', 'three'] },
    });
  });

  it.each([
    ['sops-format.enc.yaml', 'foo: bar\n'],
    [
      'sops-comments.enc.yaml',
      '# first comment in file\nlorem: ipsum\n# this-is-a-comment\ndolor: sit\n',
    ],
  ])(
    "reads sops's own %s (values, encrypted comments, MAC) with the data key its test key opens",
    (name, plain) => {
      const text = fixture(name);
      const read = readSopsFile(text, name);
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      const opening = openWithKey(read.sops, pgpDataKey(text));
      if (!opening.ok) throw new Error(JSON.stringify(opening.problems));
      plainDocument(opening.opened);
      expect(sopsText(opening.opened.sops.doc)).toBe(plain);
    },
  );

  it("refuses sops's file when one character of a value changed, and when its MAC did", () => {
    const text = fixture('sops-format.enc.yaml');
    const key = pgpDataKey(text);
    const value = text.replace('data:8CvE', 'data:8CvF');
    const read = readSopsFile(value, 'x.yaml');
    if (!read.ok) throw new Error('not read');
    const opened = openWithKey(read.sops, key);
    expect(opened.ok).toBe(false);
    expect(JSON.stringify(opened)).toContain('foo does not decrypt');
    expect(JSON.stringify(opened)).not.toContain('bar');
    const mac = text.replace('mac: ENC[AES256_GCM,data:t5sI', 'mac: ENC[AES256_GCM,data:t5sJ');
    const readMac = readSopsFile(mac, 'x.yaml');
    if (!readMac.ok) throw new Error('not read');
    expect(JSON.stringify(openWithKey(readMac.sops, key))).toContain(
      'MAC of the file does not decrypt',
    );
  });
});
