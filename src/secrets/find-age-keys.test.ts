import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it, onTestFinished } from 'vitest';

import { describeKeyring } from './age-keyring.js';
import { findAgeKeys, userKeyFile } from './find-age-keys.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-keys-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function key(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

describe('age keys where sops users keep them', () => {
  it('looks at --age-identity-file, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, then the user key file', async () => {
    const dir = tempDir();
    const [a, b, c, d] = [await key(), await key(), await key(), await key()];
    writeFileSync(join(dir, 'flag.txt'), `# mine\n${a.identity}\n`);
    writeFileSync(join(dir, 'env.txt'), `${b.identity}\n`);
    const user = userKeyFile({ XDG_CONFIG_HOME: join(dir, 'config') });
    expect(user).toBe(join(dir, 'config/sops/age/keys.txt'));
    mkdirSync(join(dir, 'config/sops/age'), { recursive: true });
    writeFileSync(user, `${d.identity}\n${a.identity}\n`);
    const keyring = await findAgeKeys({
      identityFile: join(dir, 'flag.txt'),
      env: {
        SOPS_AGE_KEY_FILE: join(dir, 'env.txt'),
        SOPS_AGE_KEY: c.identity,
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    });
    expect(keyring.identities.map((i) => i.recipient)).toEqual([
      a.recipient,
      b.recipient,
      c.recipient,
      d.recipient,
    ]);
    expect(keyring.sources.map((s) => s.name)).toEqual([
      `--age-identity-file ${join(dir, 'flag.txt')}`,
      `SOPS_AGE_KEY_FILE (${join(dir, 'env.txt')})`,
      'SOPS_AGE_KEY',
      user,
    ]);
    expect(describeKeyring(keyring)).not.toContain('AGE-SECRET-KEY');
  });

  it('says what went wrong where, naming lines but never their text', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.txt'), 'AGE-SECRET-KEY-1NOTAKEY\n');
    const keyring = await findAgeKeys({
      env: { SOPS_AGE_KEY_FILE: join(dir, 'bad.txt'), HOME: dir, XDG_CONFIG_HOME: '' },
      identityFile: join(dir, 'missing.txt'),
    });
    expect(keyring.identities).toEqual([]);
    expect(describeKeyring(keyring)).toBe(
      [
        `--age-identity-file ${join(dir, 'missing.txt')}: no such file`,
        `SOPS_AGE_KEY_FILE (${join(dir, 'bad.txt')}): line 1 is not an age identity (AGE-SECRET-KEY-1...)`,
        `${join(dir, '.config/sops/age/keys.txt')}: no such file`,
      ].join('; '),
    );
  });
});
