import { readFileSync } from 'node:fs';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';

import { secretValues } from '../environment/secret-values.js';
import { readIdentities, type AgeKeyring } from '../secrets/age-keyring.js';
import { DEMO_IDENTITY } from '../secrets/demo-key.js';
import { encryptPlain } from '../secrets/encrypt-plain.js';
import { LoadStage } from './load-stage.js';

const EXAMPLE = new URL('../../env-repo-example/', import.meta.url);
const example = (name: string) => readFileSync(new URL(name, EXAMPLE), 'utf8');

async function keyringOf(identity: string, source = 'a key file'): Promise<AgeKeyring> {
  const read = await readIdentities(identity, source);
  return { identities: read.identities, sources: [read.source] };
}

const ENV = `common:
  dnsServer: 10.0.0.1
  domain: endor.lab
  haproxy_user: admin
  parameters:
    region: one
services:
  dns:
    dns1:
      host: 192.168.99.2
`;

async function secretsFile(plain: string): Promise<{ text: string; keyring: AgeKeyring }> {
  const identity = await generateX25519Identity();
  const sealed = await encryptPlain({
    text: plain,
    file: 'secrets.sops.yaml',
    recipients: [await identityToRecipient(identity)],
    rules: {},
    now: new Date('2026-01-02T03:04:05Z'),
  });
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
  return { text: sealed.text, keyring: await keyringOf(identity) };
}

describe('the load stage with a secrets file', () => {
  it("fills the example's secrets from its secrets.sops.yaml with the demo key", async () => {
    const keyring = await keyringOf(DEMO_IDENTITY, 'the demo key');
    const loaded = await new LoadStage(undefined, () => Promise.resolve(keyring)).text(
      example('environment.yaml'),
      'environment.yaml',
      example('secrets.sops.yaml'),
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(secretValues(loaded.env)).toEqual({
      galera_password: 'password',
      haproxy_password: 'password',
      keystone_admin_password: 'password',
      keystone_admin_token: 'token',
    });
    expect(example('environment.yaml')).not.toMatch(/^\s+\w+_(password|token):/m);
  });

  it('fills secret fields of common and secret parameters', async () => {
    const { text, keyring } = await secretsFile(
      'common:\n  galera_password: g4l\n  parameters:\n    api_token: 42\n',
    );
    const loaded = await new LoadStage(undefined, () => Promise.resolve(keyring)).text(
      ENV,
      'env/environment.yaml',
      text,
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.env.common.galera_password).toBe('g4l');
    expect(loaded.env.common.parameters).toEqual({ region: 'one', api_token: 42 });
  });

  it('refuses a secret given in both files, at both places', async () => {
    const { text, keyring } = await secretsFile('common:\n  parameters:\n    region_key: x\n');
    const env = ENV.replace('    region: one\n', '    region: one\n    region_key: y\n');
    const loaded = await new LoadStage(undefined, () => Promise.resolve(keyring)).text(
      env,
      'env/environment.yaml',
      text,
    );
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? [] : loaded.problems;
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}`)).toEqual([
      'env/secrets.sops.yaml:3:21',
      'env/environment.yaml:7:5',
    ]);
    expect(problems[0]?.message).toContain('environment.yaml:7:5');
    expect(problems[1]?.message).toContain('secrets.sops.yaml:3:21');
    expect(JSON.stringify(problems)).not.toMatch(/: [xy]\b|"[xy]"/);
  });

  it('refuses public fields, parameters whose names are not secret, and unknown keys', async () => {
    const { text, keyring } = await secretsFile(
      'common:\n  haproxy_user: u\n  galera_pasword: p\n  parameters:\n    region: r\nother: o\n',
    );
    const loaded = await new LoadStage(undefined, () => Promise.resolve(keyring)).text(
      ENV,
      'e.yaml',
      text,
    );
    const messages = loaded.ok ? [] : loaded.problems.map((p) => p.message);
    expect(messages).toEqual([
      'common.haproxy_user is not a secret field',
      "unknown key 'galera_pasword' in common of the secrets file",
      'parameter region does not look secret, so it would be rendered into site.pp',
      "unknown key 'other' in the secrets file",
    ]);
  });

  it('types its values as the environment file does, naming no value', async () => {
    const { text, keyring } = await secretsFile(
      'common:\n  galera_password: "pa\\nss-sekrit"\n  parameters:\n    api_token: .inf\n    "a\\epw": x\n',
    );
    const loaded = await new LoadStage(undefined, () => Promise.resolve(keyring)).text(
      ENV,
      'e.yaml',
      text,
    );
    const problems = loaded.ok ? [] : loaded.problems;
    expect(problems.map((p) => p.message)).toEqual([
      'common.galera_password: expected text without control characters (newline, tab, NUL, ESC, ...)',
      'common.parameters.api_token: expected a finite number',
      '"common.parameters.a\\u001bpw": expected text without control characters (newline, tab, NUL, ESC, ...)',
    ]);
    expect(problems.every((p) => p.file === 'secrets.sops.yaml')).toBe(true);
    expect(JSON.stringify(problems)).not.toContain('sekrit');
  });

  it('names the file, its recipient and the places looked at when no key opens it', async () => {
    const { text } = await secretsFile('common:\n  galera_password: s3cr3t-value\n');
    const other = await keyringOf(await generateX25519Identity(), 'SOPS_AGE_KEY');
    const loaded = await new LoadStage(undefined, () => Promise.resolve(other)).text(
      ENV,
      'e.yaml',
      text,
    );
    expect(loaded.ok).toBe(false);
    const problem = loaded.ok ? undefined : loaded.problems[0];
    expect(problem?.file).toBe('secrets.sops.yaml');
    expect(problem?.message).toMatch(
      /^cannot decrypt: no identity tried is a recipient of the file; it is encrypted to age1\w+; tried SOPS_AGE_KEY: age1\w+$/,
    );
    expect(JSON.stringify(loaded)).not.toContain('s3cr3t-value');
    const none = await new LoadStage().text(ENV, 'e.yaml', text);
    expect(none.ok ? '' : none.problems[0]?.message).toMatch(
      /^cannot decrypt: no age identity found/,
    );
  });
});
