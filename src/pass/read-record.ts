import type { RecordFiles } from '../network/address-record.js';
import { leasesPath, recordPath } from '../render/renderer.js';

/**
 * The address record beside the environment file at `envPath` (`dnsmasq/dhcp-hosts` and
 * `dnsmasq/leases`), each file read with `read`; undefined when neither is there.
 */
export async function readRecord(
  envPath: string,
  read: (path: string) => Promise<string | undefined>,
): Promise<RecordFiles | undefined> {
  const [dhcpHosts, leases] = await Promise.all([
    read(recordPath(envPath)),
    read(leasesPath(envPath)),
  ]);
  if (dhcpHosts === undefined && leases === undefined) return undefined;
  return {
    ...(dhcpHosts === undefined ? {} : { dhcpHosts }),
    ...(leases === undefined ? {} : { leases }),
  };
}
