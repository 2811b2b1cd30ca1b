import { IPV4, MAC_ADDRESS, RFC1123_LABEL } from '../environment/patterns.js';

/** One container's address as recorded: its MAC and IPv4 address. */
export interface RecordedAddress {
  mac: string;
  ip: string;
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
