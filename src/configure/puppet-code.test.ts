import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { SECRETS_KEY } from '../environment/secret-values.js';
import { puppetCode } from './puppet-code.js';

const modules = () => new Map([['mymod/manifests/gal.pp', 'class mymod::gal {}\n']]);

const text = (code: ReturnType<typeof puppetCode>, path: string) => {
  const file = code.files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path}`);
  return typeof file.content === 'string' ? file.content : Buffer.from(file.content).toString();
};

describe('puppetCode', () => {
  it('holds site.pp, the modules and the secrets as Hiera data', () => {
    const code = puppetCode("node 'a' {}\n", modules(), {
      galera_password: 's3cret',
      api_token: '1234',
    });
    expect(code.files.map((f) => f.path)).toEqual([
      'manifests/site.pp',
      'hiera.yaml',
      'data/dockstack-secrets.yaml',
      'modules/mymod/manifests/gal.pp',
    ]);
    const hiera = parse(text(code, 'hiera.yaml')) as Record<string, unknown>;
    expect(hiera).toMatchObject({
      version: 5,
      defaults: { datadir: 'data', data_hash: 'yaml_data' },
      hierarchy: [{ path: 'dockstack-secrets.yaml' }],
    });
    expect(parse(text(code, 'data/dockstack-secrets.yaml'))).toEqual({
      [SECRETS_KEY]: { galera_password: 's3cret', api_token: '1234' },
    });
  });

  it('changes the digest with a secret', () => {
    const first = puppetCode('', modules(), { galera_password: 'one' });
    const second = puppetCode('', modules(), { galera_password: 'two' });
    expect(second.digest).not.toBe(first.digest);
    expect(puppetCode('', modules(), { galera_password: 'one' }).digest).toBe(first.digest);
  });

  it('writes an empty secrets hash when the file has none', () => {
    const code = puppetCode('', modules());
    expect(parse(text(code, 'data/dockstack-secrets.yaml'))).toEqual({ [SECRETS_KEY]: {} });
  });
});
