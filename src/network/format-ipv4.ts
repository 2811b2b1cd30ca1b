/** The dotted form of an IPv4 address held as a 32-bit unsigned number. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => String((address >>> shift) & 0xff)).join('.');
}
