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
import type { Lease } from '../render/render-leases.js';
import { compareText } from '../util/compare-text.js';
import type { RecordedAddress } from './address-record.js';

/**
 * Where a container's address comes from: the file, the record of the last write-back, the lease
 * its name kept since it left the file, or none of them.
 */
export type AddressOrigin = 'static' | 'recorded' | 'returning' | 'new';

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
 * A MAC and an IPv4 address for every container (pure), in the seed's order: the file's
 * `ipaddress`/`macAddress` when given; else the ones recorded for its name by the last write-back
 * (`record`), or kept for it since it left the file (`leases`: a name that comes back), when
 * still free and inside the subnet; else new ones: a locally administered unicast MAC derived
 * from the environment and container names, and an address never given before, the first of the
 * subnet that is not the network, broadcast, gateway or a reserved address, nor anyone's static
 * address, nor named by the record or the leases. Only when the subnet has no such address left
 * does a new name get one given before: first one its holder no longer uses, then the addresses
 * of names that left the file, the longest gone first (those leaving now last). Containers are
 * taken in the order given (tier order), so the same inputs always give the same result. A name
 * of `record` or `leases` left out of `specs` keeps its address and MAC (see keptLeases).
 */
export function allocateAddresses(
  specs: readonly Pick<ContainerSpec, 'name' | 'ipaddress' | 'macAddress'>[],
  space: AddressSpace,
  record: ReadonlyMap<string, RecordedAddress>,
  leases: ReadonlyMap<string, Lease> = new Map(),
): Map<string, Allocation> {
  const { subnet } = space;
  const takenIps = unassignable(space);
  const takenMacs = new Set<string>();
  const ips = new Map<string, number>();
  const macs = new Map<string, string>();
  const origin = new Map<string, AddressOrigin>();

  // The file's own addresses first: they win over anything recorded or kept.
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
  // Then what the record remembers, or what a returning name kept, where it still fits.
  for (const spec of specs) {
    const recorded = record.get(spec.name);
    const known = recorded ?? leases.get(spec.name);
    if (known === undefined) continue;
    const ip = parseIpv4(known.ip);
    if (!ips.has(spec.name) && ip !== undefined && inSubnet(ip, subnet) && !takenIps.has(ip)) {
      ips.set(spec.name, ip);
      takenIps.add(ip);
      origin.set(spec.name, recorded === undefined ? 'returning' : 'recorded');
    }
    if (!macs.has(spec.name) && !takenMacs.has(known.mac)) {
      macs.set(spec.name, known.mac);
      takenMacs.add(known.mac);
    }
  }
  // The names not in the file keep their MACs; their addresses are given last.
  const named = new Set(specs.map((spec) => spec.name));
  for (const [name, address] of [...record, ...leases]) {
    if (!named.has(name)) takenMacs.add(address.mac);
  }
  const nextIp = addressSource(space, takenIps, givenBefore(named, record, leases));
  const allocations = new Map<string, Allocation>();
  for (const spec of specs) {
    let ip = ips.get(spec.name);
    if (ip === undefined) {
      ip = nextIp();
      if (ip === undefined) {
        throw new Error(
          `the subnet ${formatIpv4(subnet.address)}/${String(subnet.prefix)} has no free address left for ${spec.name}`,
        );
      }
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

/** The addresses of the subnet no container may get: network, broadcast, gateway, reserved. */
export function unassignable(space: AddressSpace): Set<number> {
  const { subnet } = space;
  const closed = new Set<number>([
    networkOf(subnet.address, subnet.prefix),
    broadcastOf(subnet.address, subnet.prefix),
  ]);
  for (const text of [space.gateway, ...space.reserved]) {
    const address = parseIpv4(text);
    if (address !== undefined) closed.add(address);
  }
  return closed;
}

/**
 * The addresses the record and the leases name, in the order a new name may take them once
 * none never given is left: those whose name is in the file (it has another now) by address,
 * then the leases' by the time their name left, then those of names leaving the file now.
 */
function givenBefore(
  named: ReadonlySet<string>,
  record: ReadonlyMap<string, RecordedAddress>,
  leases: ReadonlyMap<string, Lease>,
): number[] {
  const released: number[] = [];
  const kept: [string, number][] = [];
  const leaving: number[] = [];
  for (const [name, address] of record) {
    const ip = parseIpv4(address.ip);
    if (ip !== undefined) (named.has(name) ? released : leaving).push(ip);
  }
  for (const [name, lease] of leases) {
    const ip = parseIpv4(lease.ip);
    if (ip === undefined) continue;
    if (named.has(name) || record.has(name)) released.push(ip);
    else kept.push([lease.left, ip]);
  }
  const byNumber = (a: number, b: number) => a - b;
  kept.sort(([a, x], [b, y]) => compareText(a, b) || x - y);
  return [...released.sort(byNumber), ...kept.map(([, ip]) => ip), ...leaving.sort(byNumber)];
}

/**
 * Hands out addresses for new names: the subnet's in order, passing over `taken` and `given`
 * (the order in which addresses given before are handed out once the others are gone).
 * Undefined when none is left. Reads `taken` at every call: the caller adds what it hands out.
 */
function addressSource(
  space: AddressSpace,
  taken: ReadonlySet<number>,
  given: readonly number[],
): () => number | undefined {
  const { subnet } = space;
  const givenSet = new Set(given);
  const last = broadcastOf(subnet.address, subnet.prefix) - 1;
  let next = networkOf(subnet.address, subnet.prefix) + 1;
  let reuse = 0;
  return () => {
    while (next <= last && (taken.has(next) || givenSet.has(next))) next++;
    if (next <= last) return next;
    for (; reuse < given.length; reuse++) {
      const ip = given[reuse];
      if (ip !== undefined && inSubnet(ip, subnet) && !taken.has(ip)) return ip;
    }
    return undefined;
  };
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
