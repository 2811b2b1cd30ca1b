import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { loadRenderer, RENDERED_PATHS } from '../render/renderer.js';
import { addressEnvironment } from './address-environment.js';
import { readAddressRecord, readLeases, type RecordFiles } from './address-record.js';

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
    const addressed = addressEnvironment(seed(), { now: 0 });
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
    const addressed = addressEnvironment(seed(), { now: 0 });
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
    const addressed = addressEnvironment(seed(), {
      record: { dhcpHosts: record },
      observed: [found],
      now: 0,
    });
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
    const addressed = addressEnvironment(env, { now: 0 });
    expect(addressed.layout).toBeUndefined();
    expect(addressed.addresses.size).toBe(0);
    expect(spec(addressed, 'dns1')).toMatchObject({ dns: '10.0.0.1' });
    expect(spec(addressed, 'dns1')?.network).toBeUndefined();
  });

  it("keeps a removed name's address and MAC for it, gives a new name another, and gives it back", () => {
    const renderer = loadRenderer();
    let record: RecordFiles | undefined;
    /** One pass: addresses from the record, then the record written back as a pass writes it. */
    const pass = (env: Environment, now: number) => {
      const addressed = addressEnvironment(env, { record, now });
      const files = renderer.files('environment.yaml', env, addressed.specs, addressed.leases);
      const leases = files[RENDERED_PATHS.leases];
      record = {
        dhcpHosts: files[RENDERED_PATHS.dhcpHosts] ?? '',
        ...(leases === undefined ? {} : { leases }),
      };
      return { addressed, files };
    };
    const withGal1 = seed();
    const withGal9 = seed();
    const { gal1: moved, ...others } = withGal9.services.galera ?? {};
    withGal9.services.galera = { ...others, gal9: { ...moved, host: '192.168.99.3' } };

    const first = pass(withGal1, Date.UTC(2026, 0, 1));
    const gal1 = first.addressed.addresses.get('gal1');
    expect(first.files[RENDERED_PATHS.leases]).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const left = Date.UTC(2026, 0, 2 + i, 10);
      const swapped = pass(withGal9, left);
      const gal9 = swapped.addressed.addresses.get('gal9');
      expect(gal9?.origin).toBe(i === 0 ? 'new' : 'returning');
      expect(gal9?.ip).not.toBe(gal1?.ip);
      expect(gal9?.mac).not.toBe(gal1?.mac);
      expect(readLeases(record?.leases).get('gal1')).toEqual({
        mac: gal1?.mac,
        ip: gal1?.ip,
        left: new Date(left).toISOString().replace('.000Z', 'Z'),
      });
      // A kept address is not served: neither DNS nor DHCP knows the name.
      expect(readAddressRecord(record?.dhcpHosts).has('gal1')).toBe(false);
      expect(swapped.files[RENDERED_PATHS.addnHosts]).not.toMatch(/gal1/);

      const back = pass(withGal1, left + 60_000);
      expect(back.addressed.addresses.get('gal1')).toEqual({ ...gal1, origin: 'returning' });
      expect(readLeases(record?.leases).get('gal9')).toMatchObject({
        ip: gal9?.ip,
        mac: gal9?.mac,
      });
      expect(readLeases(record?.leases).has('gal1')).toBe(false);
    }
  });

  it('loads a record from before leases were kept: a name gone from the file keeps its address', () => {
    const record = { dhcpHosts: '# Rendered by dockstack\n02:00:00:00:00:33,gone1,10.0.0.33\n' };
    const kept = addressEnvironment(seed(), { record, now: Date.UTC(2026, 0, 1) });
    expect([...(kept.leases ?? [])]).toEqual([
      ['gone1', { mac: '02:00:00:00:00:33', ip: '10.0.0.33', left: '2026-01-01T00:00:00Z' }],
    ]);
    expect([...kept.addresses.values()].map((a) => a.ip)).not.toContain('10.0.0.33');
    // Nothing left and no leases file yet: no file to write.
    const none = addressEnvironment(seed(), { record: { dhcpHosts: '' }, now: 0 });
    expect(none.leases).toBeUndefined();
    // A leases file whose last lease ended is written again, empty.
    const ended = addressEnvironment(seed(), { record: { leases: '# none\n' }, now: 0 });
    expect(ended.leases?.size).toBe(0);
  });
});
