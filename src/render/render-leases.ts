import { IPV4, MAC_ADDRESS, RFC1123_LABEL } from '../environment/patterns.js';
import { compareText } from '../util/compare-text.js';

/** The address and MAC a name keeps after it left the environment file, and when it left. */
export interface Lease {
  mac: string;
  /** IPv4 address without prefix length. */
  ip: string;
  /** When the name left the file: UTC, to the second (see leaseTime). */
  left: string;
}

/** How `left` is written: ISO 8601 in UTC, to the second. */
export const LEASE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** `ms` (since the Unix epoch) as a lease's `left`. */
export function leaseTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const HEADER = [
  '# Rendered by dockstack: edits here are overwritten.',
  '# Addresses kept for containers that left the environment file, oldest first: MAC,NAME,IP,LEFT.',
  '# A name that comes back gets its own again; a new name gets one only when the subnet has no',
  '# address left that was never given. dnsmasq is not given this file: these names do not resolve.',
];

/**
 * `dnsmasq/leases`: one `MAC,NAME,IP,LEFT` line per lease (the dhcp-hosts line with the time the
 * name left), oldest first, so the first line is the first address given again. Throws on a
 * value that would break the line format.
 */
export function renderLeases(leases: ReadonlyMap<string, Lease>): string {
  const lines = [...leases]
    .sort(([a, x], [b, y]) => compareText(x.left, y.left) || compareText(a, b))
    .map(([name, lease]) => {
      const bad = invalidField(name, lease);
      if (bad !== undefined) throw new Error(`lease of ${JSON.stringify(name)}: bad ${bad}`);
      return `${lease.mac.toLowerCase()},${name},${lease.ip},${lease.left}`;
    });
  return [...HEADER, ...lines, ''].join('\n');
}

function invalidField(name: string, lease: Lease): string | undefined {
  if (!RFC1123_LABEL.test(name)) return 'name';
  if (!MAC_ADDRESS.test(lease.mac)) return 'mac';
  if (!IPV4.test(lease.ip)) return 'ip';
  if (!LEASE_TIME.test(lease.left)) return 'left';
  return undefined;
}
