import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { decryptSops } from 'sops-age';
import { parse } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';

import { ROOT, runDockstack, type Run } from './run-dockstack.js';
import { testTempDir } from '../testbed/temp-dirs.js';

const FIXTURES = join(ROOT, 'test/fixtures/sops');
const SOPS_FILE = join(FIXTURES, 'sops-age-js-secret.enc.yaml');
const SOPS_KEY = join(FIXTURES, 'sops-age-js-key.txt');
const PLAIN = 'common:\n  galera_password: "g4lera-secret"\n  keystone_admin_token: t0ken-secret\n';

/** A folder of its own, and a user config folder with no sops key file in it. */
function tempDir(): string {
  const dir = testTempDir('secrets');
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A new age key from Debian's age-keygen: its file and its recipient. */
function ageKey(dir: string, name: string): { file: string; recipient: string } {
  const file = join(dir, name);
  execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
  return { file, recipient: execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim() };
}

function secrets(dir: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Run {
  return runDockstack(['secrets', ...args], ROOT, {
    env: {
      XDG_CONFIG_HOME: join(dir, 'no-config'),
      SOPS_AGE_KEY: undefined,
      SOPS_AGE_KEY_FILE: undefined,
      ...env,
    },
    ...(input === undefined ? {} : { input }),
  });
}

describe('dockstack secrets', () => {
  it('has --help with the exit codes for each verb', () => {
    for (const verb of ['decrypt', 'encrypt', 'set', 'rotate', 'updatekeys']) {
      const run = runDockstack(['secrets', verb, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: dockstack secrets ${verb}`);
      expect(run.stdout).toContain('1  the file does not decrypt');
    }
  }, 120_000);

  it('decrypts a file sops wrote, with its published test key', () => {
    const dir = tempDir();
    const run = secrets(dir, ['decrypt', SOPS_FILE], { SOPS_AGE_KEY_FILE: SOPS_KEY });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({ secret: 'this is a secret', int: 7, boolean: true });
  });

  it('refuses with exit 1 and no value a file with one character of a value changed', () => {
    const dir = tempDir();
    const changed = join(dir, 'changed.yaml');
    writeFileSync(
      changed,
      readFileSync(SOPS_FILE, 'utf8').replace('data:LNzAFGse', 'data:LNzAFGsf'),
    );
    const run = secrets(dir, ['decrypt', changed], { SOPS_AGE_KEY_FILE: SOPS_KEY });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${changed}:2:9: string does not decrypt`);
    expect(run.stderr).not.toContain('secret\n');
  });

  it('refuses with exit 1 a wrong key, naming the recipients and the identity tried', () => {
    const dir = tempDir();
    const mine = ageKey(dir, 'mine.txt');
    const run = secrets(dir, ['decrypt', SOPS_FILE], { SOPS_AGE_KEY_FILE: mine.file });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr');
    expect(run.stderr).toContain(`SOPS_AGE_KEY_FILE (${mine.file}): ${mine.recipient}`);
    expect(run.stderr).not.toContain('AGE-SECRET-KEY');
    expect(run.stderr).not.toContain('this is a secret');
    const none = secrets(dir, ['decrypt', SOPS_FILE]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no age identity found');
    expect(none.stderr).toContain(join(dir, 'no-config', 'sops/age/keys.txt'));
  }, 120_000);

  it('encrypts to --age, and what it writes sops-age and age decrypt to the same values', async () => {
    const dir = tempDir();
    const mine = ageKey(dir, 'mine.txt');
    writeFileSync(join(dir, 'plain.yaml'), PLAIN);
    const run = secrets(dir, ['encrypt', join(dir, 'plain.yaml'), '--age', mine.recipient]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/g4lera-secret|t0ken-secret/);
    const identity = readFileSync(mine.file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('AGE-'));
    expect(await decryptSops(run.stdout, { secretKey: identity ?? '', fileType: 'yaml' })).toEqual(
      parse(PLAIN),
    );
    const enc = (parse(run.stdout) as { sops: { age: { enc: string }[] } }).sops.age[0]?.enc;
    const key = execFileSync('age', ['-d', '-i', mine.file], { input: enc });
    expect(key.byteLength).toBe(32);
  });

  it("encrypts in place to .sops.yaml's recipients; set, rotate and updatekeys keep it readable", () => {
    const dir = tempDir();
    const [a, b] = [ageKey(dir, 'a.txt'), ageKey(dir, 'b.txt')];
    writeFileSync(
      join(dir, '.sops.yaml'),
      `creation_rules:\n  - path_regex: other\\.yaml$\n    age: ${b.recipient}\n  - path_regex: secrets\\.sops\\.yaml$\n    age: ${a.recipient}\n`,
    );
    const file = join(dir, 'secrets.sops.yaml');
    writeFileSync(file, PLAIN);
    expect(secrets(dir, ['encrypt', '--in-place', file]).code).toBe(0);
    const encrypted = readFileSync(file, 'utf8');
    expect(encrypted).toContain(`recipient: ${a.recipient}`);
    expect(encrypted).not.toContain('g4lera-secret');
    const asA = { SOPS_AGE_KEY_FILE: a.file };
    const decrypt = () =>
      parse(secrets(dir, ['decrypt', file], asA).stdout) as { common: Record<string, string> };

    const set = secrets(dir, ['set', file, 'common.galera_password'], asA, 'n3w-secret\n');
    expect(set.stderr).toBe(`set common.galera_password in ${file}\n`);
    expect(set.code).toBe(0);
    expect(decrypt().common).toEqual({
      galera_password: 'n3w-secret',
      keystone_admin_token: 't0ken-secret',
    });
    expect(readFileSync(file, 'utf8')).not.toContain('n3w-secret');

    const before = readFileSync(file, 'utf8');
    expect(secrets(dir, ['rotate', file], asA).code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    expect(decrypt().common.galera_password).toBe('n3w-secret');

    writeFileSync(
      join(dir, '.sops.yaml'),
      `creation_rules:\n  - path_regex: secrets\\.sops\\.yaml$\n    age: ${a.recipient},${b.recipient}\n`,
    );
    const update = secrets(dir, ['updatekeys', file], asA);
    expect(update.stderr).toBe(`updated the recipients of ${file}: + ${b.recipient}\n`);
    const asB = secrets(dir, ['decrypt', file], { SOPS_AGE_KEY_FILE: b.file });
    expect(asB.code).toBe(0);
    expect(parse(asB.stdout)).toEqual({
      common: { galera_password: 'n3w-secret', keystone_admin_token: 't0ken-secret' },
    });
  }, 120_000);

  it('exits 2 without recipients, on a file that is not encrypted, and on a bad key path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.yaml'), PLAIN);
    const none = secrets(dir, ['encrypt', join(dir, 'plain.yaml')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no recipients for ${join(dir, 'plain.yaml')}`);
    const plain = secrets(dir, ['decrypt', join(dir, 'plain.yaml')]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('no sops metadata: the file is not encrypted');
    expect(plain.stderr).not.toContain('g4lera-secret');
    expect(secrets(dir, ['set', join(dir, 'plain.yaml'), 'common..x'], {}, 'v').code).toBe(2);
    expect(secrets(dir, ['encrypt', join(dir, 'plain.yaml'), '--age', 'age1nope']).code).toBe(2);
  }, 120_000);

  it('validate warns about secrets still in plain text in a repo with a .sops.yaml', () => {
    const dir = tempDir();
    const env = join(dir, 'environment.yaml');
    writeFileSync(env, readFileSync(join(ROOT, 'test/fixtures/seed-environment.yaml'), 'utf8'));
    expect(runDockstack(['validate', env]).stderr).toBe('');
    writeFileSync(
      join(dir, '.sops.yaml'),
      'creation_rules:\n  - age: age1gfk78xsndh92hv0halhr4z4n463g83umfpf7tt6wfp3ch65nua2st08thz\n',
    );
    const run = runDockstack(['validate', env]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(
      `${env}:4:3: warning: common.galera_password is in plain text, and the repo encrypts its secrets with sops (.sops.yaml) (move it: dockstack secrets set ${join(dir, 'secrets.sops.yaml')} common.galera_password < value, then remove it here)`,
    );
    expect(run.stderr).not.toContain(': password');
  });

  it('init puts the demo key in place for the example, and --age-recipient encrypts to your own', () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    const demo = runDockstack(['init', join(dir, 'demo')], ROOT, {
      env: { XDG_CONFIG_HOME: config },
    });
    expect(demo.code).toBe(0);
    expect(readFileSync(join(config, 'sops/age/keys.txt'), 'utf8')).toContain('dockstack demo key');
    const validate = runDockstack(['validate', join(dir, 'demo/environment.yaml')], ROOT, {
      env: { XDG_CONFIG_HOME: config, SOPS_AGE_KEY: undefined, SOPS_AGE_KEY_FILE: undefined },
    });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);

    const mine = ageKey(dir, 'mine.txt');
    const own = runDockstack(['init', join(dir, 'own'), '--age-recipient', mine.recipient], ROOT, {
      env: { XDG_CONFIG_HOME: join(dir, 'other-config') },
    });
    expect(own.code).toBe(0);
    const file = join(dir, 'own/secrets.sops.yaml');
    expect(readFileSync(file, 'utf8')).toContain(`recipient: ${mine.recipient}`);
    expect(readFileSync(file, 'utf8')).not.toContain('age1gfk78');
    expect(readFileSync(join(dir, 'own/.sops.yaml'), 'utf8')).toContain(mine.recipient);
    expect(secrets(dir, ['decrypt', file], { SOPS_AGE_KEY_FILE: mine.file }).code).toBe(0);
    expect(secrets(dir, ['decrypt', file], { XDG_CONFIG_HOME: config }).code).toBe(1);
  }, 120_000);
});
