import { describe, expect, it } from 'vitest';

import { parseIpv4Cidr } from '../environment/ipv4.js';
import { readAddressRecord, readLeases } from './address-record.js';
import { allocateAddresses, type AddressSpace } from './allocate-addresses.js';
import { keptLeases } from './kept-leases.js';

const space: AddressSpace = {
  subnet: parseIpv4Cidr('10.0.0.0/24') ?? { address: 0, prefix: 0, ip: '' },
  gateway: '10.0.0.254',
  reserved: ['10.0.0.250'],
  salt: 'endor',
};
const NOW = '2026-12-06T10:00:00Z';

describe('keptLeases', () => {
  it('keeps the address and MAC of a name leaving now, with the time the pass gives', () => {
    const record = readAddressRecord(
      '02:00:00:00:00:01,gal1,10.0.0.1\n02:00:00:00:00:02,gal2,10.0.0.2\n',
    );
    const allocations = allocateAddresses([{ name: 'gal2' }, { name: 'gal9' }], space, record);
    expect(allocations.get('gal9')?.ip).toBe('10.0.0.3');
    expect([...keptLeases(record, new Map(), allocations, space, NOW)]).toEqual([
      ['gal1', { mac: '02:00:00:00:00:01', ip: '10.0.0.1', left: NOW }],
    ]);
  });

  it('keeps the time of a name gone before, and ends the lease of a name that came back', () => {
    const leases = readLeases(
      '02:00:00:00:00:01,gal1,10.0.0.1,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:03,gal3,10.0.0.3,2026-02-01T00:00:00Z\n',
    );
    const allocations = allocateAddresses([{ name: 'gal1' }], space, new Map(), leases);
    expect(allocations.get('gal1')).toMatchObject({ ip: '10.0.0.1', origin: 'returning' });
    expect([...keptLeases(new Map(), leases, allocations, space, NOW)]).toEqual([
      ['gal3', { mac: '02:00:00:00:00:03', ip: '10.0.0.3', left: '2026-02-01T00:00:00Z' }],
    ]);
  });

  it('ends a lease whose address or MAC went to a container, or that can no longer be given', () => {
    const leases = readLeases(
      '02:00:00:00:00:01,by-ip,10.0.0.1,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:02,by-mac,10.0.0.2,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:03,outside,192.168.0.3,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:04,reserved,10.0.0.250,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:05,kept,10.0.0.5,2026-01-01T00:00:00Z\n',
    );
    const specs = [
      { name: 'a', ipaddress: '10.0.0.1/24' },
      { name: 'b', macAddress: '02:00:00:00:00:02' },
    ];
    const allocations = allocateAddresses(specs, space, new Map(), leases);
    expect([...keptLeases(new Map(), leases, allocations, space, NOW).keys()]).toEqual(['kept']);
  });

  it('keeps the record over a lease of the same name, and one name per address', () => {
    const record = readAddressRecord('02:00:00:00:00:01,gal1,10.0.0.1\n');
    const leases = readLeases(
      '02:00:00:00:00:09,gal1,10.0.0.9,2026-01-01T00:00:00Z\n' +
        '02:00:00:00:00:08,twin,10.0.0.1,2026-01-01T00:00:00Z\n',
    );
    const kept = keptLeases(record, leases, new Map(), space, NOW);
    expect([...kept]).toEqual([['gal1', { mac: '02:00:00:00:00:01', ip: '10.0.0.1', left: NOW }]]);
  });
});
