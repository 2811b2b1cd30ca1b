import type { TunnelStep } from '../plan/plan.js';
import type { FoundTunnel } from './host-network-state.js';

/** VXLAN's IANA port. */
export const VXLAN_PORT = 4789;

const NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A shell script that prints the tunnel device and its flood entries as JSON (iproute2's -j). */
export function showTunnelScript(device: string): string {
  checkName(device);
  return [
    `ip -d -j link show dev ${device} 2>/dev/null || echo '[]'`,
    `echo '--'`,
    `bridge -j fdb show dev ${device} 2>/dev/null || echo '[]'`,
  ].join('\n');
}

/** What showTunnelScript printed, as the planner compares it; throws on output it cannot read. */
export function parseTunnel(output: string): FoundTunnel {
  const [linkText = '', fdbText = ''] = output.split(/^--$/m);
  const json = (text: string): unknown => JSON.parse(text.trim() === '' ? '[]' : text);
  const links = json(linkText) as {
    master?: string;
    linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string } };
  }[];
  const link = links[0];
  if (link?.linkinfo?.info_kind !== 'vxlan') return { present: false, peers: [] };
  const entries = json(fdbText) as { mac?: string; dst?: string }[];
  const peers = entries
    .filter((e) => e.mac === '00:00:00:00:00:00' && e.dst !== undefined)
    .map((e) => e.dst ?? '');
  const data = link.linkinfo.info_data ?? {};
  return {
    present: true,
    ...(data.id === undefined ? {} : { vni: data.id }),
    ...(data.local === undefined ? {} : { local: data.local }),
    ...(link.master === undefined ? {} : { master: link.master }),
    peers: [...new Set(peers)].sort(),
  };
}

export interface TunnelSettings {
  device: string;
  bridge: string;
  vni: number;
  local: string;
  peers: readonly string[];
  mtu: number;
  /** A device removed first (the other driver's, with the same VNI). */
  retire?: string;
}

/**
 * A shell script that makes the tunnel device again from scratch: a VXLAN device with the VNI,
 * flooding to every peer (one all-zeros forwarding entry each, learning the rest), a port of the
 * bridge, up. Every value is checked before it reaches the script.
 */
export function makeTunnelScript(t: TunnelSettings): string {
  checkTunnel(t);
  return [
    'set -e',
    `ip link show dev ${t.bridge} >/dev/null`,
    ...(t.retire === undefined ? [] : [`ip link del dev ${t.retire} 2>/dev/null || true`]),
    `ip link del dev ${t.device} 2>/dev/null || true`,
    `ip link add ${t.device} mtu ${String(t.mtu)} type vxlan id ${String(t.vni)} local ${t.local} dstport ${String(VXLAN_PORT)}`,
    ...t.peers.map((peer) => `bridge fdb append 00:00:00:00:00:00 dev ${t.device} dst ${peer}`),
    `ip link set dev ${t.device} master ${t.bridge}`,
    `ip link set dev ${t.device} up`,
  ].join('\n');
}

/** The tunnel step's settings, as both drivers' scripts take them. */
export function tunnelSettings(step: TunnelStep): TunnelSettings {
  return {
    device: step.name,
    bridge: step.bridge,
    vni: step.vni,
    local: step.local,
    peers: step.peers.map((p) => p.address),
    mtu: step.mtu,
    ...(step.retire === undefined ? {} : { retire: step.retire }),
  };
}

/** Throws unless every value of `t` is safe in a script: names, addresses, VNI and MTU. */
export function checkTunnel(t: TunnelSettings): void {
  checkName(t.device);
  checkName(t.bridge);
  if (t.retire !== undefined) checkName(t.retire);
  for (const address of [t.local, ...t.peers]) {
    if (!ADDRESS.test(address)) throw new Error(`not an IPv4 address: ${JSON.stringify(address)}`);
  }
  if (!Number.isInteger(t.vni) || t.vni < 1 || t.vni > 0xffffff)
    throw new Error(`not a valid VNI: ${JSON.stringify(String(t.vni))}`);
  if (!Number.isInteger(t.mtu) || t.mtu < 576 || t.mtu > 9000)
    throw new Error(`not a valid MTU: ${JSON.stringify(String(t.mtu))}`);
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`not a Linux interface name: ${JSON.stringify(name)}`);
}
