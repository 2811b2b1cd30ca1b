import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { decryptSops } from 'sops-age';
import { parse } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';

import { readIdentities, type AgeKeyring } from './age-keyring.js';
import { encryptPlain } from './encrypt-plain.js';
import { openSopsFile } from './open-sops-file.js';
import { plainDocument } from './plain-document.js';
import { rotateDataKey } from './rotate-data-key.js';
import { sopsText } from './seal-document.js';
import { setSecret } from './set-secret.js';
import { updateRecipients } from './update-recipients.js';

const PLAIN = `# the database
common:
  galera_password: "p4ss: with # and 'quotes'"
  keystone_admin_token: '0123-tok3n'
  parameters:
    admin_pw: 42
    ratio_key: 1.5
    tls_private: true
    list_secret: [item-one, item-two]
  empty_password: ""
  note_unencrypted: stays readable
`;

const NOW = new Date('2026-01-02T03:04:05Z');

async function newKey(): Promise<{ identity: string; recipient: string; keyring: AgeKeyring }> {
  const identity = await generateX25519Identity();
  const read = await readIdentities(identity, 'test');
  return {
    identity,
    recipient: await identityToRecipient(identity),
    keyring: { identities: read.identities, sources: [read.source] },
  };
}

async function encrypted(recipients: string[]): Promise<string> {
  const sealed = await encryptPlain({
    text: PLAIN,
    file: 'f.yaml',
    recipients,
    rules: {},
    now: NOW,
  });
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
  return sealed.text;
}

async function decrypted(text: string, keyring: AgeKeyring): Promise<unknown> {
  const opening = await openSopsFile(text, 'f.yaml', keyring);
  if (!opening.ok) throw new Error(JSON.stringify(opening.problems));
  plainDocument(opening.opened);
  return parse(sopsText(opening.opened.sops.doc));
}

describe('files dockstack encrypts', () => {
  it('decrypt to the same values, and hold none of them in plain text', async () => {
    const me = await newKey();
    const text = await encrypted([me.recipient]);
    expect(await decrypted(text, me.keyring)).toEqual(parse(PLAIN));
    for (const secret of ['p4ss', '0123-tok3n', 'the database', 'item-one', 'item-two']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('note_unencrypted: stays readable');
    expect(text).toContain(`recipient: ${me.recipient}`);
    expect(text).toContain('lastmodified: "2026-01-02T03:04:05Z"');
  });

  it('decrypt with an independent decoder from the npm registry (sops-age) to the same values', async () => {
    const me = await newKey();
    const text = await encrypted([me.recipient]);
    const values: unknown = await decryptSops(text, { secretKey: me.identity, fileType: 'yaml' });
    expect(values).toEqual(parse(PLAIN));
  });

  it("give their data key to age's own command line: age -d opens it with the identity", async () => {
    const me = await newKey();
    const text = await encrypted([me.recipient]);
    const dir = mkdtempSync(join(tmpdir(), 'dockstack-age-'));
    onTestFinished(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    writeFileSync(join(dir, 'key.txt'), `${me.identity}\n`);
    const enc = (parse(text) as { sops: { age: { enc: string }[] } }).sops.age[0]?.enc ?? '';
    const key = execFileSync('age', ['-d', '-i', join(dir, 'key.txt')], { input: enc });
    expect(key.byteLength).toBe(32);
  });

  it('open for each of several recipients, and for none other', async () => {
    const [a, b, c] = [await newKey(), await newKey(), await newKey()];
    const text = await encrypted([a.recipient, b.recipient]);
    expect(await decrypted(text, a.keyring)).toEqual(parse(PLAIN));
    expect(await decrypted(text, b.keyring)).toEqual(parse(PLAIN));
    const refused = await openSopsFile(text, 'f.yaml', c.keyring);
    expect(refused.ok).toBe(false);
    const message = JSON.stringify(refused);
    expect(message).toContain(a.recipient);
    expect(message).toContain(b.recipient);
    expect(message).toContain(c.recipient);
    expect(message).not.toContain(c.identity);
    expect(message).not.toContain('p4ss');
  });

  it('are refused when a value changed by one character, or two values were swapped', async () => {
    const me = await newKey();
    const text = await encrypted([me.recipient]);
    const line = text.split('\n').find((l) => l.includes('galera_password:')) ?? '';
    const data = /data:([^,]+)/.exec(line)?.[1] ?? '';
    const flipped = data.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const changed = await openSopsFile(text.replace(data, flipped), 'f.yaml', me.keyring);
    expect(changed.ok).toBe(false);
    expect(JSON.stringify(changed)).toContain('common.galera_password does not decrypt');
    // Values moved between keys are bound to their paths.
    const token = /keystone_admin_token: (\S+)/.exec(text)?.[1] ?? '';
    const galera = /galera_password: (\S+)/.exec(text)?.[1] ?? '';
    const swapped = text.replace(token, '@@').replace(galera, token).replace('@@', galera);
    expect((await openSopsFile(swapped, 'f.yaml', me.keyring)).ok).toBe(false);
    // A plain value edited outside sops breaks the MAC.
    const plainEdit = text.replace('stays readable', 'was changed');
    const mac = await openSopsFile(plainEdit, 'f.yaml', me.keyring);
    expect(JSON.stringify(mac)).toContain('MAC does not match');
  });

  it('take a new value with set: the others keep their ciphertext, the MAC is new', async () => {
    const me = await newKey();
    const text = await encrypted([me.recipient]);
    const opening = await openSopsFile(text, 'f.yaml', me.keyring);
    if (!opening.ok) throw new Error('not opened');
    const set = setSecret(
      opening.opened,
      ['common', 'galera_password'],
      'n3w',
      new Date('2026-02-01T00:00:00Z'),
    );
    if (!set.ok) throw new Error(JSON.stringify(set.problems));
    const token = (t: string) => /keystone_admin_token: (\S+)/.exec(t)?.[1];
    expect(token(set.text)).toBe(token(text));
    expect(set.text).not.toBe(text);
    const values = (await decrypted(set.text, me.keyring)) as { common: Record<string, unknown> };
    expect(values.common.galera_password).toBe('n3w');
    expect(values.common.keystone_admin_token).toBe('0123-tok3n');
    const added = setSecret(
      (await openSopsFile(set.text, 'f.yaml', me.keyring).then((o) =>
        o.ok ? o.opened : undefined,
      ))!,
      ['common', 'parameters', 'new_token'],
      'x',
      NOW,
    );
    if (!added.ok) throw new Error(JSON.stringify(added.problems));
    expect(await decrypted(added.text, me.keyring)).toMatchObject({
      common: { parameters: { new_token: 'x', admin_pw: 42 } },
    });
  });

  it('rotate to a new data key, and change recipients with the same data key', async () => {
    const [a, b] = [await newKey(), await newKey()];
    const text = await encrypted([a.recipient]);
    const opened = async (t: string, k: AgeKeyring) => {
      const o = await openSopsFile(t, 'f.yaml', k);
      if (!o.ok) throw new Error(JSON.stringify(o.problems));
      return o.opened;
    };
    const rotated = await rotateDataKey(await opened(text, a.keyring), NOW);
    if (!rotated.ok) throw new Error('not rotated');
    expect((await opened(rotated.text, a.keyring)).key).not.toEqual(
      (await opened(text, a.keyring)).key,
    );
    expect(await decrypted(rotated.text, a.keyring)).toEqual(parse(PLAIN));
    const updated = await updateRecipients(await opened(rotated.text, a.keyring), [b.recipient]);
    if (!updated.ok) throw new Error('not updated');
    expect(updated.added).toEqual([b.recipient]);
    expect(updated.removed).toEqual([a.recipient]);
    expect(await decrypted(updated.text, b.keyring)).toEqual(parse(PLAIN));
    expect((await openSopsFile(updated.text, 'f.yaml', a.keyring)).ok).toBe(false);
  });
});
