import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { SECRETS_KEY } from '../environment/secret-values.js';
import { LABELS } from '../hosts/ownership-labels.js';
import type { UploadFile } from '../hosts/tar-archive.js';
import {
  puppetCode,
  PUPPETSERVER_LABEL_VALUE,
  SECRETS_FILE,
  SERVES_LABEL,
  uploadPuppetCode,
} from './puppet-code.js';

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

describe('puppetCode for Ruby', () => {
  it('keeps every secret the text it is for a YAML 1.1 reader, as Hiera is', () => {
    const secrets = {
      yes: 'on',
      date: '2024-01-01',
      sexagesimal: '1:20',
      underscored: '1_000',
      octal: '0o17',
      quotes: `it's "quoted" \\ #not: a comment`,
      empty: '',
    };
    const data = text(puppetCode('', modules(), secrets), SECRETS_FILE);
    expect(parse(data, { version: '1.1' })).toEqual({ [SECRETS_KEY]: secrets });
    expect(parse(data)).toEqual({ [SECRETS_KEY]: secrets });
  });
});

describe('uploadPuppetCode', () => {
  const server = () => {
    const host = new FakeDockerHost('h1');
    host.add({
      name: 'puppet1',
      image: 'puppet:real',
      running: true,
      labels: { [SERVES_LABEL]: PUPPETSERVER_LABEL_VALUE, [LABELS.managed]: 'true' },
    });
    return host;
  };

  it("uploads the secrets readable by the puppet user's group only, the code by all", async () => {
    const host = server();
    host.execHandler = (_, command) =>
      command.join(' ') === 'id -g puppet'
        ? { exitCode: 0, stdout: '113\n', stderr: '' }
        : { exitCode: 1, stdout: '', stderr: 'unexpected' };
    const uploads: UploadFile[][] = [];
    const upload = host.upload.bind(host);
    host.upload = (id, dir, files) => {
      uploads.push([...files]);
      return upload(id, dir, files);
    };
    const code = puppetCode("node 'a' {}\n", modules(), { galera_password: 's3cret' });
    const done = await uploadPuppetCode(
      new Map([['h1', host]]),
      await host.listContainers(),
      code,
      new Map(),
    );
    expect(done.map((u) => u.outcome)).toEqual(['uploaded']);
    const sent = new Map(uploads.flat().map((f) => [f.path, f]));
    expect(sent.get(SECRETS_FILE)).toMatchObject({ mode: 0o640, gid: 113 });
    for (const path of ['manifests/site.pp', 'hiera.yaml', 'modules/mymod/manifests/gal.pp']) {
      expect([path, sent.get(path)?.mode, sent.get(path)?.gid]).toEqual([path, 0o644, undefined]);
    }
  });

  it('uploads nothing to a server without the puppet user, and says why', async () => {
    const host = server();
    host.execHandler = () => ({ exitCode: 1, stdout: '', stderr: "id: 'puppet': no such user" });
    const done = await uploadPuppetCode(
      new Map([['h1', host]]),
      await host.listContainers(),
      puppetCode('', modules()),
      new Map(),
    );
    expect(done).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        error:
          "the puppet server has no user puppet to give the secrets to (id -g puppet: id: 'puppet': no such user)",
      }),
    ]);
    expect(host.writes().filter((call) => call.startsWith('upload'))).toEqual([]);
  });
});
