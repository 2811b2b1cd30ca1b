import { containerMounts, type Mount } from './container-mounts.js';
import type { ContainerState, Environment } from './schema.js';
import { compareText } from '../util/compare-text.js';
import { tierRanks } from './tier-order.js';

/** Everything dockstack needs to run one container, derived from the environment file. */
export interface ContainerSpec {
  /** The environment the container belongs to (its `name:`, or `default`). */
  environment: string;
  name: string;
  service: string;
  host: string;
  /** Position of the service in the tier order (0 = first to start). */
  tier: number;
  /** Image reference: `[registry/]service[:tag|@digest]`; the image name is the service name. */
  image: string;
  hostname: string;
  domain: string;
  /**
   * DNS server handed to the container (`common.dnsServer`); none for the dns containers of an
   * environment network, which serve that address themselves.
   */
  dns?: string;
  /** The address with its prefix length, e.g. `10.0.0.1/16`: the file's, or allocated. */
  ipaddress?: string;
  gateway?: string;
  macAddress?: string;
  /** The environment's Docker network the container joins at its address and MAC. */
  network?: string;
  /**
   * With the `ovs` driver, instead of `network`: created without a network, and wired to the
   * environment's Open vSwitch bridge once it runs (see network/ovs-scripts.ts).
   */
  wiring?: OvsWiring;
  /** Environment variables the image reads (the dns image's domain and DHCP settings, say). */
  env?: Record<string, string>;
  /** Capabilities beyond Docker's default set (NET_ADMIN for DHCP, say). */
  capAdd?: string[];
  /**
   * What the file's `volumes:` mount (the service's, then the container's). The named volumes of
   * the data folders its image declares come on top when it is created (see withDataFolders).
   */
  volumes?: Mount[];
  state: ContainerState;
}

/** How a container is wired to the environment's Open vSwitch bridge. */
export interface OvsWiring {
  bridge: string;
  /** The host-side end of its veth pair, a port of the bridge. */
  port: string;
  mtu: number;
  /** Its address comes by DHCP from the dns containers (pinned to its MAC), not from the host. */
  dhcp: boolean;
}

export const DEFAULT_ENVIRONMENT_NAME = 'default';

/** The environment's name, which scopes the containers it owns. */
export function environmentName(env: Pick<Environment, 'name'>): string {
  return env.name ?? DEFAULT_ENVIRONMENT_NAME;
}

/** The image a container of `service` runs, following the seed's rule: image name = service name. */
export function imageReference(
  service: string,
  pin: { tag?: string | undefined; digest?: string | undefined },
  registry?: string,
): string {
  const name = registry === undefined ? service : `${registry}/${service}`;
  if (pin.digest !== undefined) return `${name}@${pin.digest}`;
  return `${name}:${pin.tag ?? 'latest'}`;
}

/** The service whose containers hold `common.vip` (keepalived beside HAProxy, as in the seed). */
export const VIP_SERVICE = 'haproxy';

/**
 * What an application image reads at start (images/README.md): the domain its certificate name
 * and autosigning use, and the puppet server its agent asks. The dns service's settings come
 * with its address (network/address-environment.ts).
 */
function applicationEnv(
  service: string,
  common: Environment['common'],
): Record<string, string> | undefined {
  if (service === 'dns') return undefined;
  return {
    DOCKSTACK_DOMAIN: common.domain,
    ...(common.puppetServer === undefined ? {} : { DOCKSTACK_PUPPET_SERVER: common.puppetServer }),
  };
}

/**
 * The containers the environment asks for, in tier order, then by service and name.
 * Expects a validated environment (every service is in the tier order).
 */
export function containerSpecs(env: Environment): ContainerSpec[] {
  const ranks = tierRanks(env);
  const specs: ContainerSpec[] = [];
  for (const [service, containers] of Object.entries(env.services)) {
    const tier = ranks.get(service) ?? -1;
    for (const [name, c] of Object.entries(containers ?? {})) {
      const spec: ContainerSpec = {
        environment: environmentName(env),
        name,
        service,
        host: c.host,
        tier,
        image: imageReference(service, c, env.registry),
        hostname: name,
        domain: env.common.domain,
        dns: env.common.dnsServer,
        state: c.state ?? 'running',
      };
      const imageEnv = applicationEnv(service, env.common);
      if (imageEnv !== undefined) spec.env = imageEnv;
      // keepalived in the haproxy containers holds the VIP: it adds the address to eth0.
      if (service === VIP_SERVICE && env.common.vip !== undefined) spec.capAdd = ['NET_ADMIN'];
      if (c.ipaddress !== undefined) spec.ipaddress = c.ipaddress;
      if (c.gateway !== undefined) spec.gateway = c.gateway;
      if (c.macAddress !== undefined) spec.macAddress = c.macAddress;
      const entries = [...(env.volumes?.[service] ?? []), ...(c.volumes ?? [])];
      if (entries.length > 0) spec.volumes = containerMounts(entries, spec.environment, name);
      specs.push(spec);
    }
  }
  return specs.sort(
    (a, b) => a.tier - b.tier || compareText(a.service, b.service) || compareText(a.name, b.name),
  );
}
