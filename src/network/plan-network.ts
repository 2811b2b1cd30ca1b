import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { groupByTier } from '../plan/group-by-tier.js';
import { isManaged } from '../plan/observed.js';
import type { AttachStep, HostStep, NetworkStep, Plan, TunnelStep } from '../plan/plan.js';
import type { FoundSwitch, HostNetworkState } from './host-network-state.js';
import type { NetworkLayout } from './network-layout.js';

/** The engine's driver option that leaves the bridge without the gateway address. */
export const INHIBIT_IPV4_OPTION = 'com.docker.network.bridge.inhibit_ipv4';

/**
 * The host steps that put the environment's network on its hosts (pure): on every reachable host
 * with containers, the Docker network as the layout says (else a network step), and with more
 * than one host, the VXLAN device on the bridge flooding to every other host (else a tunnel step;
 * a tunnel not looked at is taken as it should be, unless its network is made now). With the
 * `ovs` driver, the switch and its bridge instead of the Docker network (else a switch step;
 * `containersOn` names the environment's containers on a host, whose ports are kept). Hosts in
 * `down` are left out.
 */
export function planNetwork(
  layout: NetworkLayout,
  states: ReadonlyMap<string, HostNetworkState>,
  down: ReadonlySet<string>,
  containersOn?: (host: string) => readonly string[],
): HostStep[] {
  const steps: HostStep[] = [];
  for (const host of layout.hosts) {
    if (down.has(host.name)) continue;
    const state = states.get(host.name) ?? {};
    if (layout.driver === 'ovs') {
      steps.push(...switchSteps(layout, host, state.switch, containersOn?.(host.name) ?? []));
      continue;
    }
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
    retire: layout.otherVxlan,
    peers,
    local: host.address,
    vni: layout.vni,
    bridge: layout.bridge,
    mtu: layout.mtu,
    reason,
  };
}

/** The switch and tunnel steps of one host with the `ovs` driver. */
function switchSteps(
  layout: NetworkLayout,
  host: { name: string; address?: string },
  found: FoundSwitch | undefined,
  containers: readonly string[],
): HostStep[] {
  // Not looked at (its host's network could not be read): taken as it should be.
  if (found === undefined) return [];
  const gateway =
    host.name === layout.gatewayHost
      ? `${layout.gateway}/${String(layout.subnet.prefix)}`
      : undefined;
  const kept = new Set(containers);
  const stalePorts = found.ports.filter((p) => !kept.has(p.container)).map((p) => p.port);
  const reasons: string[] = [];
  if (!found.running) reasons.push('the switch container is not running');
  else if (!found.bridge) reasons.push('the bridge is missing');
  else {
    if (gateway !== undefined && !found.addresses.includes(gateway))
      reasons.push(`the bridge lacks the gateway address ${gateway}`);
    if (gateway === undefined && found.addresses.length > 0)
      reasons.push(
        `the bridge has ${found.addresses.join(', ')}, the gateway is on ${layout.gatewayHost}`,
      );
    if (stalePorts.length > 0) reasons.push(`ports of containers gone: ${stalePorts.join(', ')}`);
  }
  const steps: HostStep[] = [];
  const remade = reasons.length > 0 && (!found.running || !found.bridge);
  if (reasons.length > 0) {
    steps.push({
      action: 'switch',
      host: host.name,
      environment: layout.environment,
      name: layout.bridge,
      mtu: layout.mtu,
      ...(gateway === undefined ? {} : { gateway }),
      stalePorts,
      reason: reasons.join('; '),
    });
  }
  const tunnel = tunnelStep(layout, host, { tunnel: found.tunnel }, remade);
  if (tunnel !== undefined) steps.push({ ...tunnel, driver: 'ovs' });
  return steps;
}

/**
 * The attach steps of the `ovs` driver (pure): every container the plan starts (created,
 * recreated or started) is wired once it runs, in its own tier; so is a running container whose
 * port is missing or lost its far end (it restarted: its network namespace is new). Containers on
 * hosts whose switch was not looked at are left as they are.
 */
export function planWiring(
  plan: Plan,
  specs: readonly ContainerSpec[],
  observed: readonly ObservedContainer[],
  states: ReadonlyMap<string, HostNetworkState>,
  order: readonly string[],
): void {
  const deploys = plan.tiers.filter((t) => t.phase === 'deploy').flatMap((t) => t.steps);
  const attaches: AttachStep[] = [];
  const planned = new Set<string>();
  for (const step of deploys) {
    planned.add(`${step.host}\u0000${step.name}`);
    const starts =
      ((step.action === 'create' || step.action === 'recreate') && step.start) ||
      step.action === 'start';
    if (!starts || step.spec.wiring === undefined) continue;
    const { host, name, service, spec } = step;
    const id = step.action === 'start' ? { id: step.id } : {};
    attaches.push({
      action: 'attach',
      host,
      name,
      service,
      spec,
      ...id,
      reason: 'it starts without a network: wired to the bridge',
    });
  }
  for (const spec of specs) {
    if (spec.wiring === undefined || spec.state !== 'running') continue;
    if (planned.has(`${spec.host}\u0000${spec.name}`)) continue;
    const found = states.get(spec.host)?.switch;
    if (found === undefined || !found.running) continue;
    const container = observed.find(
      (c) => c.host === spec.host && c.name === spec.name && isManaged(c) && c.running,
    );
    if (container === undefined) continue;
    const port = found.ports.find((p) => p.container === spec.name);
    const reason =
      port === undefined
        ? 'it has no port on the bridge'
        : !port.ok
          ? 'its port lost its far end (the container restarted): wired again'
          : undefined;
    if (reason === undefined) continue;
    attaches.push({
      action: 'attach',
      host: spec.host,
      name: spec.name,
      service: spec.service,
      spec,
      id: container.id,
      reason,
    });
  }
  if (attaches.length === 0) return;
  const removals = plan.tiers.filter((t) => t.phase === 'remove');
  plan.tiers = [...removals, ...groupByTier('deploy', [...deploys, ...attaches], order)];
}
