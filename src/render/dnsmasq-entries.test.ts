import { describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { seedEnvironment } from '../../test/fixtures/render/seed-environment.js';
import { dnsmasqEntries } from './dnsmasq-entries.js';

describe('dnsmasqEntries', () => {
  it('takes each container with its static MAC and address, without the prefix length', () => {
    const env = seedEnvironment((raw) => {
      raw.services.galera = { gal1: { host: 'h', ipaddress: '10.0.3.7/24' } };
      raw.services.openstack = { os1: { host: 'h', macAddress: '02:00:00:00:00:09' } };
    });
    const entries = dnsmasqEntries(containerSpecs(env));
    expect(entries.filter((e) => ['dns1', 'gal1', 'os1', 'cas1'].includes(e.name))).toEqual([
      { name: 'dns1', fqdn: 'dns1.endor.lab', macAddress: 'de:ad:be:ef:ba:11', ip: '10.0.0.1' },
      { name: 'gal1', fqdn: 'gal1.endor.lab', ip: '10.0.3.7' },
      { name: 'os1', fqdn: 'os1.endor.lab', macAddress: '02:00:00:00:00:09' },
      { name: 'cas1', fqdn: 'cas1.endor.lab' },
    ]);
    expect(entries).toHaveLength(containerSpecs(env).length);
  });
});
