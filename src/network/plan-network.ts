import type { HostStep, NetworkStep, TunnelStep } from '../plan/plan.js';
import type { HostNetworkState } from './host-network-state.js';
import type { NetworkLayout } from './network-layout.js';

/** The engine's driver option that leaves the bridge without the gateway address. */
export const INHIBIT_IPV4_OPTION = 'com.docker.network.bridge.inhibit_ipv4';

/**
 * The host steps that put the environment's network on its hosts (pure): on every reachable host
 * with containers, the Docker network as the layout says (else a network step), and with more
 * than one host, the VXLAN device on the bridge flooding to every other host (else a tunnel step;
 * a tunnel not looked at is taken as it should be, unless its network is made now). Hosts in
 * `down` are left out.
 */
export function planNetwork(
  layout: NetworkLayout,
  states: ReadonlyMap<string, HostNetworkState>,
  down: ReadonlySet<string>,
): HostStep[] {
  const steps: HostStep[] = [];
  for (const host of layout.hosts) {
    if (down.has(host.name)) continue;
    const state = states.get(host.name) ?? {};
    const network = networkStep(layout, host.name, state);
    if (network !== undefined) steps.push(network);
    const tunnel = tunnelStep(layout, host, state, network !== undefined);
    if (tunnel !== undefined) steps.push(tunnel);
  }
  return steps;
}

function networkStep(
  layout: NetworkLayout,
  host: string,
  state: HostNetworkState,
): NetworkStep | undefined {
  const inhibitGateway = host !== layout.gatewayHost;
  const found = state.network;
  const differences: string[] = [];
  if (found !== undefined) {
    if (found.subnet !== layout.cidr) differences.push(`subnet ${found.subnet ?? 'none'}`);
    if (found.gateway !== layout.gateway) differences.push(`gateway ${found.gateway ?? 'none'}`);
    if (found.mtu !== layout.mtu) differences.push(`MTU ${String(found.mtu ?? 'default')}`);
    if (found.bridgeName !== layout.bridge)
      differences.push(`bridge ${found.bridgeName ?? 'unnamed'}`);
    if ((found.options[INHIBIT_IPV4_OPTION] === 'true') !== inhibitGateway)
      differences.push(inhibitGateway ? 'the gateway address' : 'no gateway address');
  }
  if (found !== undefined && differences.length === 0) return undefined;
  const reasons =
    found === undefined
      ? ['missing from the host']
      : [`it has ${differences.join(', ')}: made again`];
  return {
    action: 'network',
    host,
    environment: layout.environment,
    name: layout.network,
    subnet: layout.cidr,
    gateway: layout.gateway,
    mtu: layout.mtu,
    bridge: layout.bridge,
    inhibitGateway,
    ...(found !== undefined && differences.length > 0 ? { replaces: found.id } : {}),
    reason: reasons.join('; '),
  };
}

function tunnelStep(
  layout: NetworkLayout,
  host: { name: string; address?: string },
  state: HostNetworkState,
  networkChanges: boolean,
): TunnelStep | undefined {
  if (layout.hosts.length < 2 || host.address === undefined) return undefined;
  const peers = layout.hosts
    .filter((peer) => peer.name !== host.name && peer.address !== undefined)
    .map((peer) => ({ host: peer.name, address: peer.address ?? '' }));
  const tunnel = state.tunnel;
  let reason: string | undefined;
  if (networkChanges) reason = 'the network is new: its bridge has no tunnel yet';
  else if (tunnel === undefined) return undefined;
  else if (!tunnel.present) reason = 'missing from the host';
  else if (tunnel.vni !== layout.vni || tunnel.local !== host.address)
    reason = `it has VNI ${String(tunnel.vni ?? 'none')} from ${tunnel.local ?? 'nowhere'}: made again`;
  else if (tunnel.master !== layout.bridge) reason = 'not a port of the bridge';
  else {
    const missing = peers.filter((peer) => !tunnel.peers.includes(peer.address));
    const stale = tunnel.peers.filter((peer) => !peers.some((p) => p.address === peer));
    if (missing.length > 0) reason = `no tunnel to ${missing.map((p) => p.host).join(', ')}`;
    else if (stale.length > 0)
      reason = `a tunnel to ${stale.join(', ')}, no host of the environment`;
  }
  if (reason === undefined) return undefined;
  return {
    action: 'tunnel',
    host: host.name,
    name: layout.vxlan,
    peers,
    local: host.address,
    vni: layout.vni,
    bridge: layout.bridge,
    mtu: layout.mtu,
    reason,
  };
}
