import { createHash } from 'node:crypto';

import { environmentName } from './container-spec.js';
import { broadcastOf, formatIpv4, networkOf, parseIpv4Cidr, type Ipv4Cidr } from './ipv4.js';
import { IPV4 } from './patterns.js';
import type { Environment } from './schema.js';

/** The environment's network, its settings worked out from the file. */
export interface EnvironmentNetwork {
  driver: 'bridge' | 'ovs';
  /** The subnet as its network address and prefix length. */
  subnet: Ipv4Cidr;
  /** `10.0.0.0/16`. */
  cidr: string;
  gateway: string;
  mtu: number;
  vni: number;
}

export const DEFAULT_MTU = 1450;

/**
 * The environment's network, or undefined when it has none: the file has `network:`, or names a
 * static address for a container (the seed's format: it asks for stable addresses). Defaults:
 * the subnet of the first static address, the gateway the containers name (else the subnet's last
 * address), MTU 1450, a VNI derived from the environment's name. Expects a schema-valid
 * environment; checkNetwork reports what does not fit.
 */
export function environmentNetwork(env: Environment): EnvironmentNetwork | undefined {
  const settings = env.network;
  const statics = staticAddresses(env);
  if (settings === undefined && statics.length === 0) return undefined;
  const given = settings?.subnet === undefined ? undefined : parseIpv4Cidr(settings.subnet);
  const first = statics[0];
  const base = given ?? (first === undefined ? undefined : parseIpv4Cidr(first.ipaddress));
  if (base === undefined) return undefined;
  const address = networkOf(base.address, base.prefix);
  const subnet: Ipv4Cidr = { address, prefix: base.prefix, ip: formatIpv4(address) };
  const named = statics.find((s) => s.gateway !== undefined)?.gateway;
  const gateway = settings?.gateway ?? named ?? formatIpv4(broadcastOf(address, base.prefix) - 1);
  return {
    driver: settings?.driver ?? 'bridge',
    subnet,
    cidr: `${subnet.ip}/${String(subnet.prefix)}`,
    gateway,
    mtu: settings?.mtu ?? DEFAULT_MTU,
    vni: settings?.vni ?? defaultVni(environmentName(env)),
  };
}

/** The containers with a static address, in the file's order. */
export function staticAddresses(
  env: Environment,
): { service: string; name: string; ipaddress: string; gateway?: string }[] {
  const found: { service: string; name: string; ipaddress: string; gateway?: string }[] = [];
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) {
      if (c.ipaddress === undefined) continue;
      found.push({
        service,
        name,
        ipaddress: c.ipaddress,
        ...(c.gateway === undefined ? {} : { gateway: c.gateway }),
      });
    }
  }
  return found;
}

/**
 * The address the other hosts reach `host` at, for the tunnels between them: `hosts.HOST.address`,
 * else the host key when it is an address, else the address of its tcp endpoint.
 */
export function tunnelAddress(env: Environment, host: string): string | undefined {
  const endpoint = env.hosts?.[host];
  if (endpoint?.address !== undefined) return endpoint.address;
  if (IPV4.test(host)) return host;
  const tcp = /^tcp:\/\/([^:/]+)/.exec(endpoint?.docker ?? '')?.[1];
  return tcp !== undefined && IPV4.test(tcp) ? tcp : undefined;
}

/** A VNI of 24 bits (never 0) from the environment's name, the same on every machine. */
function defaultVni(name: string): number {
  const digest = createHash('sha256').update(`dockstack-vni/${name}`).digest();
  return (digest.readUInt32BE(0) % 0xfffffe) + 1;
}
