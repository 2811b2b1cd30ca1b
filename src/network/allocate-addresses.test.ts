import { describe, expect, it } from 'vitest';

import { parseIpv4Cidr } from '../environment/ipv4.js';
import { readAddressRecord, readLeases } from './address-record.js';
import { allocateAddresses, type AddressSpace } from './allocate-addresses.js';

const space: AddressSpace = {
  subnet: parseIpv4Cidr('10.0.0.0/16') ?? { address: 0, prefix: 0, ip: '' },
  gateway: '10.0.0.100',
  reserved: ['10.0.0.254'],
  salt: 'endor',
};

const seed = [
  { name: 'dns1', ipaddress: '10.0.0.1/16', macAddress: 'DE:AD:BE:EF:BA:11' },
  { name: 'dns2', ipaddress: '10.0.0.2/16', macAddress: 'de:ad:be:ef:ba:12' },
  { name: 'puppet1' },
  { name: 'ha1' },
];

describe('allocateAddresses', () => {
  it('gives static addresses as the file says and new ones from the first free address', () => {
    const a = allocateAddresses(seed, space, new Map());
    expect(a.get('dns1')).toEqual({ mac: 'de:ad:be:ef:ba:11', ip: '10.0.0.1', origin: 'static' });
    expect(a.get('dns2')?.ip).toBe('10.0.0.2');
    expect(a.get('puppet1')).toMatchObject({ ip: '10.0.0.3', origin: 'new' });
    expect(a.get('ha1')).toMatchObject({ ip: '10.0.0.4', origin: 'new' });
  });

  it('makes new MACs locally administered unicast, stable and distinct', () => {
    const a = allocateAddresses(seed, space, new Map());
    const b = allocateAddresses(seed, space, new Map());
    const mac = a.get('puppet1')?.mac ?? '';
    expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    const first = Number.parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02);
    expect(first & 0x01).toBe(0);
    expect(b.get('puppet1')?.mac).toBe(mac);
    expect(a.get('ha1')?.mac).not.toBe(mac);
  });

  it('keeps what the record remembers, so a recreated container gets the same address', () => {
    const record = readAddressRecord(
      '# Rendered by dockstack\nde:ad:be:ef:ba:11,dns1,10.0.0.1\n02:00:00:00:00:07,ha1,10.0.0.7\n',
    );
    const a = allocateAddresses(seed, space, record);
    expect(a.get('ha1')).toEqual({ mac: '02:00:00:00:00:07', ip: '10.0.0.7', origin: 'recorded' });
    expect(a.get('puppet1')?.ip).toBe('10.0.0.3');
  });

  it("never hands out the gateway, a reserved address or another container's", () => {
    const record = readAddressRecord(
      '02:00:00:00:00:01,ha1,10.0.0.1\n02:00:00:00:00:02,puppet1,10.0.0.100\n',
    );
    const a = allocateAddresses(seed, space, record);
    expect(a.get('ha1')?.ip).not.toBe('10.0.0.1');
    expect(a.get('puppet1')?.ip).not.toBe('10.0.0.100');
    const ips = [...a.values()].map((x) => x.ip);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('keeps the address of a name that left the file: new names take ones never given', () => {
    const record = readAddressRecord('02:00:00:00:00:09,gone1,10.0.0.3\n');
    const leases = readLeases('02:00:00:00:00:0a,gone2,10.0.0.5,2026-01-01T00:00:00Z\n');
    const a = allocateAddresses(seed, space, record, leases);
    expect(a.get('puppet1')).toMatchObject({ ip: '10.0.0.4', origin: 'new' });
    expect(a.get('ha1')).toMatchObject({ ip: '10.0.0.6', origin: 'new' });
  });

  it('gives a name that comes back the address and MAC it kept', () => {
    const leases = readLeases('02:00:00:00:00:0a,ha1,10.0.0.5,2026-01-01T00:00:00Z\n');
    const a = allocateAddresses(seed, space, new Map(), leases);
    expect(a.get('ha1')).toEqual({ mac: '02:00:00:00:00:0a', ip: '10.0.0.5', origin: 'returning' });
    expect(a.get('puppet1')).toMatchObject({ ip: '10.0.0.3', origin: 'new' });
  });

  it("lets the file's static address and MAC win over a lease", () => {
    const leases = readLeases(
      '02:00:00:00:00:0a,ha1,10.0.0.1,2026-01-01T00:00:00Z\n' +
        'de:ad:be:ef:ba:12,puppet1,10.0.0.9,2026-01-01T00:00:00Z\n',
    );
    const a = allocateAddresses(seed, space, new Map(), leases);
    expect(a.get('dns1')?.ip).toBe('10.0.0.1');
    expect(a.get('dns2')?.mac).toBe('de:ad:be:ef:ba:12');
    // Each returning name keeps what the file leaves it, and gets the rest new.
    expect(a.get('ha1')).toMatchObject({ mac: '02:00:00:00:00:0a', origin: 'new' });
    expect(a.get('ha1')?.ip).not.toBe('10.0.0.1');
    expect(a.get('puppet1')).toMatchObject({ ip: '10.0.0.9', origin: 'returning' });
    expect(a.get('puppet1')?.mac).not.toBe('de:ad:be:ef:ba:12');
  });

  it('gives addresses given before only when the subnet runs out, the longest kept first', () => {
    // 10.0.0.1-10.0.0.5 can be given (10.0.0.6 is the gateway); 10.0.0.2 never was.
    const tiny: AddressSpace = {
      ...space,
      subnet: parseIpv4Cidr('10.0.0.0/29') ?? space.subnet,
      gateway: '10.0.0.6',
      reserved: [],
    };
    const record = readAddressRecord(
      '02:00:00:00:00:01,kept,10.0.0.1\n02:00:00:00:00:03,leaving,10.0.0.3\n',
    );
    const leases = readLeases(
      '02:00:00:00:00:04,left-later,10.0.0.4,2026-03-01T00:00:00Z\n' +
        '02:00:00:00:00:05,left-first,10.0.0.5,2026-02-01T00:00:00Z\n',
    );
    const specs = ['kept', 'new1', 'new2', 'new3', 'new4'].map((name) => ({ name }));
    const a = allocateAddresses(specs, tiny, record, leases);
    expect([...a].map(([name, x]) => `${name} ${x.ip} ${x.origin}`)).toEqual([
      'kept 10.0.0.1 recorded',
      'new1 10.0.0.2 new',
      'new2 10.0.0.5 new',
      'new3 10.0.0.4 new',
      'new4 10.0.0.3 new',
    ]);
    // A new name never takes a MAC kept for another.
    const macs = new Set([...a.values()].map((x) => x.mac));
    for (const kept of ['02:00:00:00:00:03', '02:00:00:00:00:04', '02:00:00:00:00:05']) {
      expect(macs.has(kept)).toBe(false);
    }
    expect(() => allocateAddresses([...specs, { name: 'new5' }], tiny, record, leases)).toThrow(
      /no free address left for new5/,
    );
  });

  it('gives an address its holder no longer uses before any kept for a name that left', () => {
    // 10.0.0.2-10.0.0.4 can be given.
    const tiny: AddressSpace = {
      ...space,
      subnet: parseIpv4Cidr('10.0.0.0/29') ?? space.subnet,
      gateway: '10.0.0.6',
      reserved: ['10.0.0.1', '10.0.0.5'],
    };
    // moved had 10.0.0.2 and has a static address now.
    const record = readAddressRecord('02:00:00:00:00:02,moved,10.0.0.2\n');
    const leases = readLeases('02:00:00:00:00:09,gone,10.0.0.4,2026-01-01T00:00:00Z\n');
    const specs = [{ name: 'moved', ipaddress: '10.0.0.3/29' }, { name: 'new1' }, { name: 'new2' }];
    const a = allocateAddresses(specs, tiny, record, leases);
    expect([a.get('new1')?.ip, a.get('new2')?.ip]).toEqual(['10.0.0.2', '10.0.0.4']);
  });

  it('drops a recorded address that left the subnet', () => {
    const record = readAddressRecord('02:00:00:00:00:09,ha1,192.168.1.9\n');
    expect(allocateAddresses(seed, space, record).get('ha1')).toMatchObject({ origin: 'new' });
  });

  it('says so when the subnet is full', () => {
    const tiny: AddressSpace = {
      ...space,
      subnet: parseIpv4Cidr('10.0.0.0/30') ?? space.subnet,
      gateway: '10.0.0.1',
    };
    expect(() => allocateAddresses([{ name: 'a' }, { name: 'b' }], tiny, new Map())).toThrow(
      /no free address left for b/,
    );
  });
});

describe('readAddressRecord', () => {
  it('reads MAC,NAME,IP lines and passes over anything else', () => {
    const record = readAddressRecord(
      '# comment\nDE:AD:BE:EF:BA:11,dns1,10.0.0.1\nnot a line\n02:00:00:00:00:01,Bad_Name,10.0.0.9\n02:00:00:00:00:02,ha1,10.0.0.2,infinite\n',
    );
    expect([...record]).toEqual([
      ['dns1', { mac: 'de:ad:be:ef:ba:11', ip: '10.0.0.1' }],
      ['ha1', { mac: '02:00:00:00:00:02', ip: '10.0.0.2' }],
    ]);
  });
});

describe('readLeases', () => {
  it('reads MAC,NAME,IP,LEFT lines and passes over anything else', () => {
    const leases = readLeases(
      '# comment\n' +
        '02:00:00:00:00:0A,gal1,10.0.0.5,2026-12-06T10:00:00Z\n' +
        '02:00:00:00:00:0b,gal2,10.0.0.6\n' +
        '02:00:00:00:00:0c,gal3,10.0.0.7,yesterday\n' +
        '02:00:00:00:00:0d,gal4,10.0.0.8,2026-13-45T10:00:00Z\n' +
        '02:00:00:00:00:0e,gal5,10.0.0.9,2026-12-06T10:00:00Z,more\n',
    );
    expect([...leases]).toEqual([
      ['gal1', { mac: '02:00:00:00:00:0a', ip: '10.0.0.5', left: '2026-12-06T10:00:00Z' }],
    ]);
  });

  it('reads nothing from a record that has no leases file', () => {
    expect(readLeases(undefined).size).toBe(0);
  });
});
