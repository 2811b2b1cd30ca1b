import { readFileSync } from 'node:fs';

import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import { loadRenderer } from '../render/renderer.js';
import { refreshedContainers } from './refreshed-containers.js';

const { classes, inputs } = loadRenderer();

const seed = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

interface RawEnvironment {
  services: Partial<Record<string, Record<string, unknown>>>;
  common: Record<string, unknown>;
}

function env(edit: (raw: RawEnvironment) => void = () => undefined): Environment {
  const raw = parse(seed) as RawEnvironment;
  edit(raw);
  const loaded = loadEnvironment(stringify(raw));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.env;
}

describe('refreshedContainers', () => {
  const refreshed = (after: Environment, recreated: string[] = []) =>
    refreshedContainers(env(), after, new Set(recreated), classes, inputs);

  it('is empty when the manifest data does not change', () => {
    expect(refreshed(env())).toEqual([]);
  });

  it('names the members of a cluster that grows and its readers, with the new member', () => {
    const after = env((raw) => {
      (raw.services.galera ??= {}).gal2 = { host: '192.168.99.2' };
    });
    // gal1 joins it (a peer); HAProxy balances it (a backup); Keystone's database falls back to it.
    const why = ['members of galera changed: + gal2.endor.lab'];
    expect(refreshed(after, ['gal2'])).toEqual([
      { name: 'gal1', reasons: why, peers: true },
      { name: 'ha1', reasons: why },
      { name: 'ha2', reasons: why },
      { name: 'os1', reasons: why },
    ]);
  });

  it('names the readers of a secret that changes, by key only', () => {
    const after = env((raw) => {
      raw.common.galera_password = 'n3w-s3cret';
    });
    expect(refreshed(after)).toEqual([
      { name: 'gal1', reasons: ['secret galera_password changed'] },
      { name: 'os1', reasons: ['secret galera_password changed'] },
    ]);
    expect(JSON.stringify(refreshed(after))).not.toContain('n3w-s3cret');
  });

  it('names the balancers and the peers when an openstack member is added', () => {
    const after = env((raw) => {
      (raw.services.openstack ??= {}).os2 = { host: '192.168.99.2' };
    });
    const why = ['members of openstack changed: + os2.endor.lab'];
    expect(refreshed(after, ['os2'])).toEqual([
      { name: 'ha1', reasons: why },
      { name: 'ha2', reasons: why },
      { name: 'os1', reasons: why, peers: true },
    ]);
  });

  it('names the peers of a removed member, and says it went', () => {
    const after = env((raw) => {
      const webui = raw.services.webui ?? {};
      raw.services.webui = webui;
      webui.webui2 = { host: '192.168.99.2' };
    });
    expect(refreshedContainers(after, env(), new Set(), classes, inputs)).toEqual([
      { name: 'webui1', reasons: ['members of webui changed: − webui2.endor.lab'], peers: true },
    ]);
  });

  it('names the readers of a common value that changes, and no one else', () => {
    const after = env((raw) => {
      raw.common.vip = '10.0.0.253';
    });
    expect(refreshed(after)).toEqual([
      { name: 'ha1', reasons: ['common.vip changed'] },
      { name: 'ha2', reasons: ['common.vip changed'] },
      { name: 'os1', reasons: ['common.vip changed'] },
    ]);
  });

  it('counts any change for every configured container when what a class reads is not known', () => {
    const after = env((raw) => {
      raw.common.vip = '10.0.0.253';
    });
    expect(refreshedContainers(env(), after, new Set(), classes).map((r) => r.name)).toEqual([
      'cas1',
      'col1',
      'conf1',
      'ctrl1',
      'gal1',
      'ha1',
      'ha2',
      'os1',
      'webui1',
    ]);
  });

  it('leaves out a container being recreated', () => {
    const after = env((raw) => {
      raw.common.vip = '10.0.0.253';
    });
    expect(refreshed(after, ['ha1']).map((r) => r.name)).toEqual(['ha2', 'os1']);
  });
});
