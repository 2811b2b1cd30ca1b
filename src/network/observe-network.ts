import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import { errorMessage } from '../util/error-message.js';
import { HELPER_IMAGE } from './helper-image.js';
import type { HostNetworkState } from './host-network-state.js';
import type { NetworkLayout } from './network-layout.js';
import { parseTunnel, showTunnelScript } from './tunnel-commands.js';

export interface ObserveNetworkOptions {
  /** Look at the tunnel too (a helper container run); the Docker network alone otherwise. */
  tunnels: boolean;
}

/**
 * What `host` has of the environment's network: its Docker network (one list call) and, when
 * asked, the environment spans hosts and the network is there, its tunnel device (one
 * short-lived helper).
 */
export async function observeNetwork(
  host: DockerHost,
  layout: NetworkLayout,
  options: ObserveNetworkOptions,
): Promise<HostNetworkState> {
  const found = (await host.listNetworks()).find((n) => n.name === layout.network);
  const state: HostNetworkState = {};
  if (found !== undefined) {
    state.network = {
      id: found.id,
      options: found.options,
      ...(found.subnet === undefined ? {} : { subnet: found.subnet }),
      ...(found.gateway === undefined ? {} : { gateway: found.gateway }),
      ...(found.bridgeName === undefined ? {} : { bridgeName: found.bridgeName }),
      ...(found.mtu === undefined ? {} : { mtu: found.mtu }),
    };
  }
  // Without the network there is no bridge for a tunnel: both are made, nothing to look at.
  if (options.tunnels && layout.hosts.length > 1 && state.network !== undefined) {
    const shown = await host.runHelper({
      image: HELPER_IMAGE,
      command: ['sh', '-c', showTunnelScript(layout.vxlan)],
      deadlineMs: 30_000,
    });
    try {
      state.tunnel = parseTunnel(shown.stdout);
    } catch (error) {
      throw new HostError(
        host.name,
        'engine',
        `the network helper on ${host.name} printed what is not iproute2's JSON (${errorMessage(error)})`,
      );
    }
  }
  return state;
}
