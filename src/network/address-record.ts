import { IPV4, MAC_ADDRESS, RFC1123_LABEL } from '../environment/patterns.js';
import { LEASE_TIME, type Lease } from '../render/render-leases.js';

/** One container's address as recorded: its MAC and IPv4 address. */
export interface RecordedAddress {
  mac: string;
  ip: string;
}

/**
 * The address record as last written back beside the environment file: `dnsmasq/dhcp-hosts`
 * (the containers of the file) and `dnsmasq/leases` (the names that left it). Either is
 * undefined when there is no such file; a record from before leases were kept has no leases.
 */
export interface RecordFiles {
  dhcpHosts?: string;
  leases?: string;
}

/**
 * The address record: the dnsmasq hosts file dockstack writes back (`MAC,NAME,IP` per line, the
 * seed's "dhcp lease file", kept in git), read back as name -> address. Lines that are not such
 * an entry (comments, anything edited in by hand that does not fit) are passed over: the record
 * only remembers, the environment file decides.
 */
export function readAddressRecord(text: string | undefined): Map<string, RecordedAddress> {
  const record = new Map<string, RecordedAddress>();
  for (const line of (text ?? '').split(/\r?\n/)) {
    const [mac = '', name = '', ip = '', ...rest] = line.trim().split(',');
    if (rest.length > 0 && !(rest.length === 1 && rest[0] === 'infinite')) continue;
    if (!MAC_ADDRESS.test(mac) || !RFC1123_LABEL.test(name) || !IPV4.test(ip)) continue;
    if (!record.has(name)) record.set(name, { mac: mac.toLowerCase(), ip });
  }
  return record;
}

/**
 * The leases kept for names that left the file (`dnsmasq/leases`: `MAC,NAME,IP,LEFT` per line),
 * as name -> lease. Like readAddressRecord, lines that do not fit are passed over.
 */
export function readLeases(text: string | undefined): Map<string, Lease> {
  const leases = new Map<string, Lease>();
  for (const line of (text ?? '').split(/\r?\n/)) {
    const [mac = '', name = '', ip = '', left = '', ...rest] = line.trim().split(',');
    if (rest.length > 0 || !LEASE_TIME.test(left) || Number.isNaN(Date.parse(left))) continue;
    if (!MAC_ADDRESS.test(mac) || !RFC1123_LABEL.test(name) || !IPV4.test(ip)) continue;
    if (!leases.has(name)) leases.set(name, { mac: mac.toLowerCase(), ip, left });
  }
  return leases;
}
