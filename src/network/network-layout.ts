import { createHash } from 'node:crypto';

import { containerSpecs, environmentName } from '../environment/container-spec.js';
import {
  environmentNetwork,
  tunnelAddress,
  type EnvironmentNetwork,
} from '../environment/environment-network.js';
import type { Environment } from '../environment/schema.js';

/** How the environment's network is laid out over its hosts, and what its parts are called. */
export interface NetworkLayout extends EnvironmentNetwork {
  environment: string;
  /** The Docker network's name on every host. */
  network: string;
  /**
   * The Linux bridge behind it, or the Open vSwitch bridge with the `ovs` driver (at most 15
   * characters, as Linux allows).
   */
  bridge: string;
  /** The VXLAN device on the bridge. */
  vxlan: string;
  /**
   * The other driver's VXLAN device: the kernel takes a VNI once, so a move between drivers
   * removes it before making `vxlan`.
   */
  otherVxlan: string;
  /** The hosts that run the environment's containers, each with its tunnel address. */
  hosts: { name: string; address?: string }[];
  /**
   * The host whose bridge holds the gateway address: the host of the first container in tier
   * order (the first dns container, in the seed). The others reach it across the tunnel.
   */
  gatewayHost: string;
}

/** The layout of the environment's network; undefined when it has none (see environmentNetwork). */
export function networkLayout(env: Environment): NetworkLayout | undefined {
  const settings = environmentNetwork(env);
  if (settings === undefined) return undefined;
  const environment = environmentName(env);
  const tag = createHash('sha256').update(`dockstack-net/${environment}`).digest('hex').slice(0, 8);
  const hosts: string[] = [];
  for (const spec of containerSpecs(env)) if (!hosts.includes(spec.host)) hosts.push(spec.host);
  return {
    ...settings,
    environment,
    network: `dockstack-${environment}`,
    // Other names for the ovs driver: moving between drivers, the old devices do not collide.
    bridge: settings.driver === 'ovs' ? `dso-${tag}` : `dsb-${tag}`,
    vxlan: settings.driver === 'ovs' ? `dsw-${tag}` : `dsv-${tag}`,
    otherVxlan: settings.driver === 'ovs' ? `dsv-${tag}` : `dsw-${tag}`,
    hosts: hosts.map((name) => {
      const address = tunnelAddress(env, name);
      return address === undefined ? { name } : { name, address };
    }),
    gatewayHost: hosts[0] ?? '',
  };
}
