import type { ContainerSpec } from '../environment/container-spec.js';

/** One host as dnsmasq knows it: its DNS names and, when known, its MAC and IPv4 address. */
export interface DnsmasqEntry {
  /** Short host name: the container name. */
  name: string;
  fqdn: string;
  macAddress?: string;
  /** IPv4 address without prefix length. */
  ip?: string;
}

/**
 * The dnsmasq entries of the containers, from the static addresses in the environment. Addresses
 * learned from DHCP leases are added by the caller.
 */
export function dnsmasqEntries(specs: readonly ContainerSpec[]): DnsmasqEntry[] {
  return specs.map((spec) => {
    const entry: DnsmasqEntry = { name: spec.name, fqdn: `${spec.name}.${spec.domain}` };
    if (spec.macAddress !== undefined) entry.macAddress = spec.macAddress;
    if (spec.ipaddress !== undefined) entry.ip = spec.ipaddress.replace(/\/\d+$/, '');
    return entry;
  });
}
