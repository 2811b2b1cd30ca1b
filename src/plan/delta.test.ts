import { readFileSync } from 'node:fs';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { Environment } from '../environment/schema.js';
import { DEFAULT_ORDER } from '../environment/tier-order.js';
import { delta, type Delta } from './delta.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

interface RawContainer {
  host: string;
  state?: 'running' | 'stopped';
  tag?: string;
  ipaddress?: string;
  gateway?: string;
  macAddress?: string;
}

interface RawEnvironment {
  common: { domain: string };
  services: Record<string, Record<string, RawContainer>>;
  order?: string[];
}

function environment(edit: (raw: RawEnvironment) => void = () => undefined): Environment {
  const raw = parse(seedText) as RawEnvironment;
  edit(raw);
  return Environment.parse(raw);
}

function containerOf(raw: RawEnvironment, service: string, name: string): RawContainer {
  const found = raw.services[service]?.[name];
  if (found === undefined) throw new Error(`no ${service}/${name} in the seed`);
  return found;
}

/** Each category as names; changes as `name: field,field`. */
function names(d: Delta): Record<keyof Delta, string[]> {
  return {
    added: d.added.map((spec) => spec.name),
    removed: d.removed.map((spec) => spec.name),
    changed: d.changed.map((change) => `${change.name}: ${change.fields.join(',')}`),
    started: d.started.map((spec) => spec.name),
    stopped: d.stopped.map((spec) => spec.name),
  };
}

const none = { added: [], removed: [], changed: [], started: [], stopped: [] };
const seed = environment();

describe('delta', () => {
  it('adds every container on the first commit, in tier order', () => {
    const first = delta(undefined, seed);
    expect(first.added).toEqual(containerSpecs(seed));
    expect(names(first)).toEqual({
      ...none,
      added: [
        'dns1',
        'dns2',
        'puppet1',
        'puppet2',
        'ha1',
        'ha2',
        'gal1',
        'os1',
        'cas1',
        'conf1',
        'col1',
        'ctrl1',
        'webui1',
      ],
    });
  });

  it.each<{
    name: string;
    before?: (raw: RawEnvironment) => void;
    after: (raw: RawEnvironment) => void;
    expected: Partial<Record<keyof Delta, string[]>>;
  }>([
    { name: 'nothing changes', after: () => undefined, expected: {} },
    {
      name: 'only the tier order changes',
      after: (raw) => {
        raw.order = [...DEFAULT_ORDER].reverse();
      },
      expected: {},
    },
    {
      name: 'webui2 is added',
      after: (raw) => {
        raw.services.webui!.webui2 = { host: '192.168.99.2' };
      },
      expected: { added: ['webui2'] },
    },
    {
      name: 'containers are added in tier order, whatever the file order',
      after: (raw) => {
        raw.services.webui!.webui2 = { host: '192.168.99.2' };
        raw.services.dns!.dns3 = { host: '192.168.99.2' };
        raw.services.galera!.gal2 = { host: '192.168.99.2' };
      },
      expected: { added: ['dns3', 'gal2', 'webui2'] },
    },
    {
      name: 'ha2 and gal1 are removed',
      after: (raw) => {
        delete raw.services.haproxy!.ha2;
        delete raw.services.galera!.gal1;
      },
      expected: { removed: ['ha2', 'gal1'] },
    },
    {
      name: 'an image tag changes',
      after: (raw) => {
        containerOf(raw, 'openstack', 'os1').tag = '2.1';
      },
      expected: { changed: ['os1: image'] },
    },
    {
      name: 'a container moves to another host',
      after: (raw) => {
        containerOf(raw, 'cassandra', 'cas1').host = '192.168.99.3';
      },
      expected: { changed: ['cas1: host'] },
    },
    {
      name: 'static addresses change',
      after: (raw) => {
        Object.assign(containerOf(raw, 'dns', 'dns2'), {
          ipaddress: '10.0.0.3/16',
          gateway: '10.0.0.101',
          macAddress: 'de:ad:be:ef:ba:13',
        });
      },
      expected: { changed: ['dns2: ipaddress,gateway,macAddress'] },
    },
    {
      name: 'a static address is dropped',
      after: (raw) => {
        delete containerOf(raw, 'dns', 'dns2').macAddress;
      },
      expected: { changed: ['dns2: macAddress'] },
    },
    {
      name: 'a container moves to another service',
      after: (raw) => {
        delete raw.services.haproxy!.ha2;
        raw.services.galera!.ha2 = { host: '192.168.99.2' };
      },
      expected: { changed: ['ha2: service,image,capAdd'] },
    },
    {
      name: 'the domain changes for every container',
      after: (raw) => {
        raw.common.domain = 'hoth.lab';
      },
      expected: {
        // The application images read the domain from their environment too.
        changed: containerSpecs(seed).map(
          (spec) => `${spec.name}: ${spec.service === 'dns' ? 'domain' : 'domain,env'}`,
        ),
      },
    },
    {
      name: 'two containers are stopped',
      after: (raw) => {
        containerOf(raw, 'webui', 'webui1').state = 'stopped';
        containerOf(raw, 'galera', 'gal1').state = 'stopped';
      },
      expected: { stopped: ['gal1', 'webui1'] },
    },
    {
      name: 'a stopped container is started',
      before: (raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'stopped';
      },
      after: (raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'running';
      },
      expected: { started: ['gal1'] },
    },
    {
      name: 'an explicit state: running is no change',
      after: (raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'running';
      },
      expected: {},
    },
    {
      name: 'a container is both changed and stopped',
      after: (raw) => {
        const os1 = containerOf(raw, 'openstack', 'os1');
        os1.tag = '2.1';
        os1.state = 'stopped';
      },
      expected: { changed: ['os1: image'], stopped: ['os1'] },
    },
    {
      name: 'every category at once',
      after: (raw) => {
        raw.services.webui!.webui2 = { host: '192.168.99.2' };
        delete raw.services.haproxy!.ha2;
        containerOf(raw, 'control', 'ctrl1').host = '192.168.99.3';
        containerOf(raw, 'config', 'conf1').state = 'stopped';
      },
      expected: {
        added: ['webui2'],
        removed: ['ha2'],
        changed: ['ctrl1: host'],
        stopped: ['conf1'],
      },
    },
  ])('$name', ({ before, after, expected }) => {
    expect(names(delta(environment(before), environment(after)))).toEqual({
      ...none,
      ...expected,
    });
  });

  it('gives a change its before and after specs', () => {
    const after = environment((raw) => {
      containerOf(raw, 'openstack', 'os1').tag = '2.1';
    });
    const [change] = delta(seed, after).changed;
    expect(change?.before.image).toBe('openstack:latest');
    expect(change?.after.image).toBe('openstack:2.1');
  });
});
