import { describe, expect, it } from 'vitest';

import type { DnsmasqEntry } from './dnsmasq-entries.js';
import { renderAddnHosts, renderDhcpHosts } from './render-dnsmasq.js';

const HEADER = '# Rendered by dockstack: edits here are overwritten.\n';

const entries: DnsmasqEntry[] = [
  { name: 'os1', fqdn: 'os1.endor.lab', macAddress: '02:00:00:00:00:09' },
  { name: 'dns2', fqdn: 'dns2.endor.lab', macAddress: 'DE:AD:BE:EF:BA:12', ip: '10.0.0.2' },
  { name: 'gal1', fqdn: 'gal1.endor.lab', ip: '10.0.3.7' },
  { name: 'cas1', fqdn: 'cas1.endor.lab' },
  { name: 'dns1', fqdn: 'dns1.endor.lab', macAddress: 'de:ad:be:ef:ba:11', ip: '10.0.0.1' },
];

describe('renderDhcpHosts', () => {
  it('writes MAC,NAME,IP for the entries with both, sorted by name', () => {
    expect(renderDhcpHosts(entries)).toBe(
      `${HEADER}de:ad:be:ef:ba:11,dns1,10.0.0.1\nde:ad:be:ef:ba:12,dns2,10.0.0.2\n`,
    );
  });

  it('does not depend on the order of its input', () => {
    expect(renderDhcpHosts([...entries].reverse())).toBe(renderDhcpHosts(entries));
  });

  it('writes only the header when there is nothing to write', () => {
    expect(renderDhcpHosts([])).toBe(HEADER);
  });
});

describe('renderAddnHosts', () => {
  it('writes IP FQDN NAME for the entries with an address, sorted by name', () => {
    expect(renderAddnHosts(entries)).toBe(
      `${HEADER}10.0.0.1 dns1.endor.lab dns1\n10.0.0.2 dns2.endor.lab dns2\n10.0.3.7 gal1.endor.lab gal1\n`,
    );
  });
});

describe('both dnsmasq files', () => {
  it.each<[string, DnsmasqEntry]>([
    ['name', { name: 'bad,name', fqdn: 'a.lab', ip: '10.0.0.1' }],
    ['fqdn', { name: 'a', fqdn: 'a.lab\n10.6.6.6 evil', ip: '10.0.0.1' }],
    ['macAddress', { name: 'a', fqdn: 'a.lab', macAddress: 'de:ad', ip: '10.0.0.1' }],
    ['ip', { name: 'a', fqdn: 'a.lab', ip: '10.0.0.1/16' }],
  ])('refuse a bad %s', (field, entry) => {
    expect(() => renderDhcpHosts([entry])).toThrow(`bad ${field}`);
    expect(() => renderAddnHosts([entry])).toThrow(`bad ${field}`);
  });

  it('refuse a name listed twice', () => {
    const twice = [entries[0]!, { ...entries[0]!, ip: '10.0.0.9' }];
    expect(() => renderAddnHosts(twice)).toThrow('os1 is listed twice');
  });
});
