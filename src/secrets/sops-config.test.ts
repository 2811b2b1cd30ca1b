import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { creationRuleFor, findSopsConfig } from './sops-config.js';

const A = 'age1gfk78xsndh92hv0halhr4z4n463g83umfpf7tt6wfp3ch65nua2st08thz';
const B = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';

function repo(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-sops-config-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'prod'));
  writeFileSync(join(dir, '.sops.yaml'), config);
  return dir;
}

describe('.sops.yaml creation rules', () => {
  it('picks the first rule whose path_regex matches the path below the config, as sops does', () => {
    const dir = repo(
      `creation_rules:\n  - path_regex: ^prod/.*\\.sops\\.yaml$\n    age: ${A}, ${B}\n  - age:\n      - ${B}\n    encrypted_regex: ^(password|token)$\n`,
    );
    expect(findSopsConfig(join(dir, 'prod/secrets.sops.yaml'))).toBe(join(dir, '.sops.yaml'));
    expect(creationRuleFor(join(dir, 'prod/secrets.sops.yaml'))).toEqual({
      found: true,
      rule: { config: join(dir, '.sops.yaml'), recipients: [A, B], rules: {} },
    });
    expect(creationRuleFor(join(dir, 'secrets.sops.yaml'))).toEqual({
      found: true,
      rule: {
        config: join(dir, '.sops.yaml'),
        recipients: [B],
        rules: { encryptedRegex: '^(password|token)$' },
      },
    });
  });

  it('reads one key group, and refuses other key types and Shamir groups', () => {
    const group = repo(`creation_rules:\n  - key_groups:\n      - age: [${A}]\n`);
    expect(creationRuleFor(join(group, 's.yaml'))).toMatchObject({
      found: true,
      rule: { recipients: [A] },
    });
    const pgp = repo('creation_rules:\n  - pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n');
    expect(creationRuleFor(join(pgp, 's.yaml'))).toMatchObject({
      found: false,
      reason: expect.stringContaining(
        'names pgp keys: dockstack encrypts to age recipients only',
      ) as string,
    });
    const shamir = repo(
      `creation_rules:\n  - key_groups:\n      - age: [${A}]\n      - age: [${B}]\n`,
    );
    expect(creationRuleFor(join(shamir, 's.yaml'))).toMatchObject({ found: false });
    const none = repo(`creation_rules:\n  - path_regex: nothing\n    age: ${A}\n`);
    expect(creationRuleFor(join(none, 's.yaml'))).toMatchObject({
      found: false,
      reason: expect.stringContaining('no creation rule') as string,
    });
  });
});
