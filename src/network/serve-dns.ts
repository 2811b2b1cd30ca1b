import { createHash } from 'node:crypto';

import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { errorMessage } from '../util/error-message.js';

/** The image label of a dns image that follows dockstack's dnsmasq contract (images/README.md). */
export const DNSMASQ_LABEL = 'org.dockstack.serves';
export const DNSMASQ_LABEL_VALUE = 'dnsmasq';

/** Where the contract wants the files, as they are named in the env repo under `dnsmasq/`. */
export const DNSMASQ_DIR = '/etc/dockstack';

/** What every dns container serves: the rendered dnsmasq files. */
export interface DnsData {
  /** `dnsmasq/hosts`: `IP FQDN NAME` lines. */
  hosts: string;
  /** `dnsmasq/dhcp-hosts`: `MAC,NAME,IP` lines. */
  dhcpHosts: string;
}

export interface ServedDns {
  host: string;
  name: string;
  id: string;
  outcome: 'served' | 'failed';
  error?: string;
}

/** True for a running container whose image follows the dnsmasq contract. */
export function servesDnsmasq(container: ObservedContainer): boolean {
  return container.running && container.labels[DNSMASQ_LABEL] === DNSMASQ_LABEL_VALUE;
}

/**
 * What each dns container was last given, by host and container id: a container is sent the
 * data again only when it changed, or when it is another container (recreated: a new id).
 */
export type DnsMemory = Map<string, string>;

/**
 * Puts `data` into every running container of `containers` whose image follows the dnsmasq
 * contract, and makes dnsmasq read it (SIGHUP), where it does not serve this data yet. All
 * containers at once; a failure is reported and tried again by the next call.
 */
export async function serveDns(
  hosts: ReadonlyMap<string, DockerHost>,
  containers: readonly ObservedContainer[],
  data: DnsData,
  memory: DnsMemory,
): Promise<ServedDns[]> {
  const digest = createHash('sha256')
    .update(data.hosts)
    .update('\0')
    .update(data.dhcpHosts)
    .digest('hex');
  const targets = containers.filter(servesDnsmasq);
  const served = targets.map(async (c): Promise<ServedDns | undefined> => {
    const key = `${c.host}\u0000${c.id}`;
    if (memory.get(key) === digest) return undefined;
    const host = hosts.get(c.host);
    const base = { host: c.host, name: c.name, id: c.id };
    try {
      if (host === undefined) throw new Error(`no connection to ${c.host}`);
      await host.upload(c.id, DNSMASQ_DIR, [
        { path: 'dnsmasq/hosts', content: data.hosts, mode: 0o644 },
        { path: 'dnsmasq/dhcp-hosts', content: data.dhcpHosts, mode: 0o644 },
      ]);
      await host.signal(c.id, 'HUP');
      memory.set(key, digest);
      return { ...base, outcome: 'served' };
    } catch (error) {
      memory.delete(key);
      return { ...base, outcome: 'failed', error: errorMessage(error) };
    }
  });
  const done = await Promise.all(served);
  // Containers gone since are forgotten, so the memory does not grow with every recreation.
  const live = new Set(targets.map((c) => `${c.host}\u0000${c.id}`));
  for (const key of memory.keys()) if (!live.has(key)) memory.delete(key);
  return done.filter((s): s is ServedDns => s !== undefined);
}
