import { createHash } from 'node:crypto';

import type { ContainerSpec } from '../environment/container-spec.js';
import {
  broadcastOf,
  formatIpv4,
  inSubnet,
  networkOf,
  parseIpv4,
  type Ipv4Cidr,
} from '../environment/ipv4.js';
import type { RecordedAddress } from './address-record.js';

/** Where a container's address comes from, in the seed's order. */
export type AddressOrigin = 'static' | 'recorded' | 'new';

export interface Allocation {
  mac: string;
  /** The IPv4 address, without prefix length. */
  ip: string;
  /** Where the IPv4 address comes from (a MAC the file does not give is recorded or new). */
  origin: AddressOrigin;
}

/** What allocation needs to know of the environment's network. */
export interface AddressSpace {
  subnet: Ipv4Cidr;
  gateway: string;
  /** Addresses no container may get (the VIP, ...). */
  reserved: readonly string[];
  /** Salt of new MACs: the environment's name, so environments sharing a segment differ. */
  salt: string;
}

/**
 * A MAC and an IPv4 address for every container (pure): the file's `ipaddress`/`macAddress` when
 * given; else the ones recorded for its name in the last write-back, when still free and inside
 * the subnet; else new ones: a locally administered unicast MAC derived from the environment and
 * container names, and the first free address of the subnet that is not the network, broadcast,
 * gateway or a reserved address, nor anyone's static or recorded address. Containers are taken in
 * the order given (tier order), so the same inputs always give the same result; a container left
 * out of `specs` has its recorded address released.
 */
export function allocateAddresses(
  specs: readonly Pick<ContainerSpec, 'name' | 'ipaddress' | 'macAddress'>[],
  space: AddressSpace,
  record: ReadonlyMap<string, RecordedAddress>,
): Map<string, Allocation> {
  const { subnet } = space;
  const takenIps = new Set<number>([
    networkOf(subnet.address, subnet.prefix),
    broadcastOf(subnet.address, subnet.prefix),
  ]);
  for (const text of [space.gateway, ...space.reserved]) {
    const address = parseIpv4(text);
    if (address !== undefined) takenIps.add(address);
  }
  const takenMacs = new Set<string>();
  const ips = new Map<string, number>();
  const macs = new Map<string, string>();
  const origin = new Map<string, AddressOrigin>();

  // The file's own addresses first: they win over anything recorded.
  for (const spec of specs) {
    const ip =
      spec.ipaddress === undefined ? undefined : parseIpv4(spec.ipaddress.split('/')[0] ?? '');
    if (ip !== undefined) {
      ips.set(spec.name, ip);
      takenIps.add(ip);
      origin.set(spec.name, 'static');
    }
    if (spec.macAddress !== undefined) {
      const mac = spec.macAddress.toLowerCase();
      macs.set(spec.name, mac);
      takenMacs.add(mac);
    }
  }
  // Then what the record remembers, where it still fits.
  for (const spec of specs) {
    const recorded = record.get(spec.name);
    if (recorded === undefined) continue;
    const ip = parseIpv4(recorded.ip);
    if (!ips.has(spec.name) && ip !== undefined && inSubnet(ip, subnet) && !takenIps.has(ip)) {
      ips.set(spec.name, ip);
      takenIps.add(ip);
      origin.set(spec.name, 'recorded');
    }
    if (!macs.has(spec.name) && !takenMacs.has(recorded.mac)) {
      macs.set(spec.name, recorded.mac);
      takenMacs.add(recorded.mac);
    }
  }
  // Then new ones, in order.
  let next = networkOf(subnet.address, subnet.prefix) + 1;
  const last = broadcastOf(subnet.address, subnet.prefix) - 1;
  const allocations = new Map<string, Allocation>();
  for (const spec of specs) {
    let ip = ips.get(spec.name);
    if (ip === undefined) {
      while (next <= last && takenIps.has(next)) next++;
      if (next > last) {
        throw new Error(
          `the subnet ${formatIpv4(subnet.address)}/${String(subnet.prefix)} has no free address left for ${spec.name}`,
        );
      }
      ip = next;
      takenIps.add(ip);
      origin.set(spec.name, 'new');
    }
    let mac = macs.get(spec.name);
    if (mac === undefined) {
      mac = newMac(space.salt, spec.name, takenMacs);
      takenMacs.add(mac);
    }
    allocations.set(spec.name, { mac, ip: formatIpv4(ip), origin: origin.get(spec.name) ?? 'new' });
  }
  return allocations;
}

/**
 * A locally administered unicast MAC (first octet x2, x6, xA or xE) from a hash of the
 * environment and container names; the hash is taken again with a counter while it collides.
 */
function newMac(salt: string, name: string, taken: ReadonlySet<string>): string {
  for (let attempt = 0; ; attempt++) {
    const bytes = createHash('sha256')
      .update(`${salt}/${name}/${String(attempt)}`)
      .digest();
    const first = ((bytes[0] ?? 0) & 0xfc) | 0x02;
    const mac = [first, ...bytes.subarray(1, 6)]
      .map((byte) => byte.toString(16).padStart(2, '0'))
      .join(':');
    if (!taken.has(mac)) return mac;
  }
}
