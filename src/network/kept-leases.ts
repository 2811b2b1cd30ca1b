import { inSubnet, parseIpv4 } from '../environment/ipv4.js';
import type { Lease } from '../render/render-leases.js';
import type { RecordedAddress } from './address-record.js';
import { unassignable, type AddressSpace, type Allocation } from './allocate-addresses.js';

/**
 * The leases after an allocation (pure): every name of `record` or `leases` that got no
 * allocation (it is not in the file) keeps its MAC and address, with the time it left: `now`
 * (see leaseTime) for a name leaving the file now, its lease's own for one gone before. A lease
 * ends when its address or MAC is given to a container, or when its address can no longer be
 * given (outside the subnet, the gateway, a reserved address). The record wins over a lease of
 * the same name, the first over a later one for the same address or MAC.
 */
export function keptLeases(
  record: ReadonlyMap<string, RecordedAddress>,
  leases: ReadonlyMap<string, Lease>,
  allocations: ReadonlyMap<string, Allocation>,
  space: AddressSpace,
  now: string,
): Map<string, Lease> {
  const closed = unassignable(space);
  const ips = new Set([...allocations.values()].map((a) => a.ip));
  const macs = new Set([...allocations.values()].map((a) => a.mac));
  const kept = new Map<string, Lease>();
  const candidates: [string, Lease][] = [
    ...[...record].map(([name, a]): [string, Lease] => [name, { ...a, left: now }]),
    ...leases,
  ];
  for (const [name, lease] of candidates) {
    if (allocations.has(name) || kept.has(name)) continue;
    const ip = parseIpv4(lease.ip);
    if (ip === undefined || !inSubnet(ip, space.subnet) || closed.has(ip)) continue;
    if (ips.has(lease.ip) || macs.has(lease.mac)) continue;
    kept.set(name, { mac: lease.mac, ip: lease.ip, left: lease.left });
    ips.add(lease.ip);
    macs.add(lease.mac);
  }
  return kept;
}
