import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { errorMessage } from '../util/error-message.js';
import { HELPER_IMAGE } from './helper-image.js';
import type { FoundSwitch, HostNetworkState } from './host-network-state.js';
import type { NetworkLayout } from './network-layout.js';
import { parseSwitch, showSwitchScript, SWITCH_CONTAINER, SWITCH_LABEL } from './ovs-scripts.js';
import { parseTunnel, showTunnelScript } from './tunnel-commands.js';

export interface ObserveNetworkOptions {
  /** Look at the tunnel too (a helper container run); the Docker network alone otherwise. */
  tunnels: boolean;
  /** Look at the switch of the ovs driver (a command run in it); true unless false. */
  switches?: boolean;
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
  containers: readonly ObservedContainer[] = [],
): Promise<HostNetworkState> {
  if (layout.driver === 'ovs') {
    return options.switches === false
      ? {}
      : { switch: await observeSwitch(host, layout, containers) };
  }
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

/**
 * The host's switch and the environment's part of it (`ovs` driver): whether the switch container
 * runs (from the host's container list), then, when it does, its bridge, ports and tunnel (one
 * command run in it). Looked at by every pass: a container that restarted has lost its port.
 */
async function observeSwitch(
  host: DockerHost,
  layout: NetworkLayout,
  containers: readonly ObservedContainer[],
): Promise<FoundSwitch> {
  const found = containers.find(isSwitch);
  if (found === undefined || !found.running) {
    return { running: false, bridge: false, addresses: [], ports: [], tunnel: NO_TUNNEL };
  }
  const shown = await host.exec(
    found.id,
    ['sh', '-c', showSwitchScript(layout.bridge, layout.vxlan)],
    {
      deadlineMs: 30_000,
    },
  );
  try {
    if (shown.exitCode !== 0)
      throw new Error(`exit ${String(shown.exitCode)}: ${shown.stderr.trim()}`);
    return { running: true, ...parseSwitch(shown.stdout, layout.environment) };
  } catch (error) {
    throw new HostError(
      host.name,
      'engine',
      `the switch ${SWITCH_CONTAINER} on ${host.name} could not be read (${errorMessage(error)})`,
    );
  }
}

/** The host's switch container: dockstack's by name and label. */
export function isSwitch(container: ObservedContainer): boolean {
  return container.name === SWITCH_CONTAINER && container.labels[SWITCH_LABEL] === 'ovs';
}

const NO_TUNNEL = { present: false, peers: [] };
