import { describe, expect, it } from 'vitest';

import { parseIpv4Cidr } from '../environment/ipv4.js';
import { readAddressRecord } from './address-record.js';
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

  it('releases the address of a container that is gone: the next new one may take it', () => {
    const record = readAddressRecord('02:00:00:00:00:09,gone1,10.0.0.3\n');
    expect(allocateAddresses(seed, space, record).get('puppet1')?.ip).toBe('10.0.0.3');
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
