import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import { LABELS } from '../plan/labels.js';
import type { ObservedContainer } from '../plan/observed.js';
import { addressEnvironment } from './address-environment.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

function seed(): Environment {
  const loaded = loadEnvironment(seedText);
  if (!loaded.ok) throw new Error('the seed is valid');
  return loaded.env;
}

const spec = (env: ReturnType<typeof addressEnvironment>, name: string) =>
  env.specs.find((s) => s.name === name);

describe('addressEnvironment', () => {
  it("puts the seed's containers on its network: static, else new, never the gateway or VIP", () => {
    const addressed = addressEnvironment(seed(), undefined);
    expect(addressed.layout?.cidr).toBe('10.0.0.0/16');
    expect(spec(addressed, 'dns1')).toMatchObject({
      ipaddress: '10.0.0.1/16',
      macAddress: 'de:ad:be:ef:ba:11',
      gateway: '10.0.0.100',
      network: 'dockstack-default',
    });
    const ips = addressed.specs.map((s) => s.ipaddress);
    expect(new Set(ips).size).toBe(13);
    expect(ips).not.toContain('10.0.0.100/16');
    expect(ips).not.toContain('10.0.0.254/16');
    expect(addressed.addresses.get('dns1')?.origin).toBe('static');
    expect(addressed.addresses.get('webui1')?.origin).toBe('new');
  });

  it('gives the dns containers dnsmasq settings and no DNS server of their own', () => {
    const addressed = addressEnvironment(seed(), undefined);
    const dns1 = spec(addressed, 'dns1');
    expect(dns1?.dns).toBeUndefined();
    expect(dns1?.capAdd).toEqual(['NET_ADMIN']);
    expect(dns1?.env).toEqual({
      DOCKSTACK_DOMAIN: 'endor.lab',
      DOCKSTACK_DHCP_RANGE: '10.0.0.0,static,255.255.0.0',
      DOCKSTACK_DHCP_ROUTER: '10.0.0.100',
    });
    expect(spec(addressed, 'gal1')).toMatchObject({ dns: '10.0.0.1' });
    expect(spec(addressed, 'gal1')?.env).toEqual({
      DOCKSTACK_DOMAIN: 'endor.lab',
      DOCKSTACK_PUPPET_SERVER: 'puppet1',
    });
  });

  it('keeps a recorded address, else the one a container is found at, else a new one', () => {
    const record = '# Rendered by dockstack\nde:ad:00:00:00:07,gal1,10.0.0.77\n';
    const found: ObservedContainer = {
      host: '192.168.99.2',
      name: 'os1',
      id: 'x',
      running: true,
      labels: {
        [LABELS.managed]: 'true',
        [LABELS.environment]: 'default',
        [LABELS.container]: 'os1',
      },
      networks: [{ name: 'dockstack-default', ipv4: '10.0.0.88', macAddress: '02:00:00:00:00:88' }],
    };
    const addressed = addressEnvironment(seed(), record, [found]);
    expect(addressed.addresses.get('gal1')).toEqual({
      ip: '10.0.0.77',
      mac: 'de:ad:00:00:00:07',
      origin: 'recorded',
    });
    expect(addressed.addresses.get('os1')).toEqual({
      ip: '10.0.0.88',
      mac: '02:00:00:00:00:88',
      origin: 'recorded',
    });
    expect(addressed.addresses.get('cas1')?.origin).toBe('new');
  });

  it('leaves an environment without static addresses or network: as it is', () => {
    const env = seed();
    for (const containers of Object.values(env.services)) {
      for (const c of Object.values(containers ?? {})) {
        delete c.ipaddress;
        delete c.macAddress;
        delete c.gateway;
      }
    }
    const addressed = addressEnvironment(env, undefined);
    expect(addressed.layout).toBeUndefined();
    expect(addressed.addresses.size).toBe(0);
    expect(spec(addressed, 'dns1')).toMatchObject({ dns: '10.0.0.1' });
    expect(spec(addressed, 'dns1')?.network).toBeUndefined();
  });
});
