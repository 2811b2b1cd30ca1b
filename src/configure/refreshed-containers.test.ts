import { readFileSync } from 'node:fs';

import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import { loadRenderer } from '../render/renderer.js';
import { refreshedContainers } from './refreshed-containers.js';

const { classes } = loadRenderer();

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
  it('is empty when the manifest data does not change', () => {
    expect(refreshedContainers(env(), env(), new Set(), classes)).toEqual([]);
  });

  it('names every running container with classes when a member is added, but not the new one', () => {
    const after = env((raw) => {
      (raw.services.webui ??= {}).webui2 = { host: '192.168.99.2' };
    });
    const refreshed = refreshedContainers(env(), after, new Set(['webui2']), classes);
    expect(refreshed).toContain('webui1');
    expect(refreshed).toContain('gal1');
    expect(refreshed).not.toContain('webui2');
    expect(refreshed).not.toContain('dns1');
    expect(refreshed).not.toContain('puppet1');
  });

  it('counts a change of common as a change for every configured container', () => {
    const after = env((raw) => {
      raw.common.vip = '10.0.0.253';
    });
    expect(refreshedContainers(env(), after, new Set(), classes)).toEqual([
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
    expect(refreshedContainers(env(), after, new Set(['gal1']), classes)).not.toContain('gal1');
  });
});
