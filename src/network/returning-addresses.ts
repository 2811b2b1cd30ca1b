import type { Allocation } from './allocate-addresses.js';

/** The containers that come back to the file and get the address their name kept since it left. */
export function returningAddresses(addresses: ReadonlyMap<string, Allocation>): Set<string> {
  return new Set([...addresses].filter(([, a]) => a.origin === 'returning').map(([name]) => name));
}
