import type { Allocation } from './allocate-addresses.js';

/** The containers whose address is new: neither in the environment file nor recorded. */
export function freshAddresses(addresses: ReadonlyMap<string, Allocation>): Set<string> {
  return new Set([...addresses].filter(([, a]) => a.origin === 'new').map(([name]) => name));
}
