import { IPV4, IPV4_CIDR } from './patterns.js';

/** An IPv4 address as a 32-bit unsigned number, or undefined when the text is not one. */
export function parseIpv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export interface Ipv4Cidr {
  address: number;
  prefix: number;
  /** The address without its prefix length, as written. */
  ip: string;
}

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  if (!IPV4_CIDR.test(text)) return undefined;
  const [ip = '', prefix = ''] = text.split('/');
  const address = parseIpv4(ip);
  return address === undefined ? undefined : { address, prefix: Number(prefix), ip };
}

/** The first address of the subnet `address/prefix`. */
export function networkOf(address: number, prefix: number): number {
  if (prefix === 0) return 0;
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (address & mask) >>> 0;
}

export function inSubnet(address: number, subnet: Ipv4Cidr): boolean {
  return networkOf(address, subnet.prefix) === networkOf(subnet.address, subnet.prefix);
}

/** The last address of the subnet `address/prefix`. */
export function broadcastOf(address: number, prefix: number): number {
  return (networkOf(address, prefix) + 2 ** (32 - prefix) - 1) >>> 0;
}

/** The dotted form of an IPv4 address held as a 32-bit unsigned number. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => String((address >>> shift) & 0xff)).join('.');
}
