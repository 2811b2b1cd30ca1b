import { createHash } from 'node:crypto';

import type { FoundSwitch } from './host-network-state.js';
import { checkTunnel, parseTunnel, VXLAN_PORT, type TunnelSettings } from './tunnel-commands.js';

/**
 * The shell scripts dockstack runs in a host's Open vSwitch container (host network and PID
 * namespaces, see images/helper) for the `ovs` driver, and the parsing of what they print. Every
 * value is checked before it reaches a script.
 */

/** The long-lived container that runs Open vSwitch on a host, shared by its environments. */
export const SWITCH_CONTAINER = 'dockstack-ovs';
/** Its label, so it is told apart from a container of the same name someone else made. */
export const SWITCH_LABEL = 'org.dockstack.switch';
/** The external_ids keys of a container's port on the bridge. */
export const PORT_KEYS = {
  container: 'dockstack-container',
  environment: 'dockstack-env',
  /**
   * The host device's ifindex the port was added for: a device made again under an existing port
   * shows in OVS's database as up, but the userspace datapath still reads the old one.
   */
  ifindex: 'dockstack-ifindex',
};

const NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The host-side veth of a container's port: `dsp` and 10 hex digits (the peer adds `c`). */
export function portName(environment: string, container: string): string {
  const digest = createHash('sha256').update(`dockstack-port/${environment}/${container}`);
  return `dsp${digest.digest('hex').slice(0, 10)}`;
}

export interface SwitchSettings {
  bridge: string;
  mtu: number;
  /** `IP/PREFIX` put on the bridge's own port (the host that holds the gateway); else none. */
  gateway?: string;
  /** Ports removed from the bridge (containers gone from the host). */
  stalePorts: readonly string[];
}

/**
 * Makes the environment's bridge, up with its MTU: on the kernel datapath where the kernel has
 * the openvswitch module loaded, else on the userspace one (which needs none). Puts the gateway
 * address on it or takes every address off; removes stale ports.
 */
export function switchScript(s: SwitchSettings): string {
  checkName(s.bridge);
  checkMtu(s.mtu);
  s.stalePorts.forEach(checkName);
  if (s.gateway !== undefined && !CIDR.test(s.gateway)) throw bad('gateway', s.gateway);
  return [
    'set -e',
    'datapath=netdev; [ ! -d /sys/module/openvswitch ] || datapath=system',
    `ovs-vsctl --timeout=10 --may-exist add-br ${s.bridge} -- set bridge ${s.bridge} datapath_type=$datapath` +
      ` -- set interface ${s.bridge} mtu_request=${String(s.mtu)}`,
    // The userspace datapath's own port is a tap device OVS makes a moment later.
    `i=0; until ip link show dev ${s.bridge} >/dev/null 2>&1; do i=$((i + 1)); [ $i -lt 50 ] || { echo "the bridge device ${s.bridge} did not appear" >&2; exit 1; }; sleep 0.1; done`,
    `ip link set dev ${s.bridge} up`,
    s.gateway === undefined
      ? `ip -4 addr flush dev ${s.bridge}`
      : `ip -4 addr show dev ${s.bridge} | grep -q ' ${s.gateway} ' || ip addr replace ${s.gateway} dev ${s.bridge}`,
    ...s.stalePorts.flatMap((port) => [
      `ovs-vsctl --timeout=10 --if-exists del-port ${s.bridge} ${port}`,
      `ip link del dev ${port} 2>/dev/null || true`,
    ]),
  ].join('\n');
}

/** Waits until the switch's daemons answer (up to `seconds`); exit 1 when they do not. */
export function switchReadyScript(seconds: number): string {
  const tries = Math.max(1, Math.round(seconds * 5));
  return [
    `for i in $(seq ${String(tries)}); do`,
    // ovs-appctl is given the control socket: it cannot read a pid file on a read-only mount.
    '  ovs-vsctl --timeout=1 show >/dev/null 2>&1 && pid=$(cat /var/run/openvswitch/ovs-vswitchd.pid 2>/dev/null) &&' +
      ' ovs-appctl --timeout=1 -t "/var/run/openvswitch/ovs-vswitchd.$pid.ctl" version >/dev/null 2>&1 && exit 0',
    '  sleep 0.2',
    'done',
    `echo "Open vSwitch did not answer within ${String(seconds)} s" >&2`,
    'exit 1',
  ].join('\n');
}

export type OvsTunnelSettings = TunnelSettings;

/**
 * Makes the VXLAN device again from scratch, flooding to every peer, as a port of the bridge:
 * one port that reaches every other host, so the switch never floods a frame from one tunnel
 * into another (no loop whatever the number of hosts).
 */
export function ovsTunnelScript(t: OvsTunnelSettings): string {
  checkTunnel(t);
  return [
    'set -e',
    `ovs-vsctl --timeout=10 br-exists ${t.bridge}`,
    ...(t.retire === undefined ? [] : [`ip link del dev ${t.retire} 2>/dev/null || true`]),
    `ovs-vsctl --timeout=10 --if-exists del-port ${t.bridge} ${t.device}`,
    `ip link del dev ${t.device} 2>/dev/null || true`,
    `ip link add ${t.device} mtu ${String(t.mtu)} type vxlan id ${String(t.vni)} local ${t.local} dstport ${String(VXLAN_PORT)}`,
    ...t.peers.map((peer) => `bridge fdb append 00:00:00:00:00:00 dev ${t.device} dst ${peer}`),
    `ip link set dev ${t.device} up`,
    `ovs-vsctl --timeout=10 add-port ${t.bridge} ${t.device} -- set interface ${t.device}` +
      ` external_ids:${PORT_KEYS.ifindex}=$(cat /sys/class/net/${t.device}/ifindex)`,
  ].join('\n');
}

export interface WireSettings {
  bridge: string;
  port: string;
  environment: string;
  container: string;
  /** The container's main process, as the host sees it. */
  pid: number;
  mac: string;
  mtu: number;
  /** `IP/PREFIX` and the gateway for a static address; absent: DHCP. */
  static?: { address: string; gateway: string };
}

/** The line the wiring script ends with, then JSON: `{"ip":..,"mac":..,"dhcp":..}`. */
export const WIRED_MARK = 'DOCKSTACK-WIRED ';

/**
 * Wires one running container to the bridge: a veth pair, one end moved into the container's
 * network namespace as eth0 with its MAC and MTU, the other a port of the bridge (labelled with
 * the container and its environment), checksum offload off on both ends (the userspace datapath
 * drops frames otherwise). Then the address: set from the host side when static; otherwise
 * asked by DHCP from the container's namespace (the image needs no DHCP client), set, and the
 * lease released at once, so dnsmasq serves no name from leases. Safe to run
 * again: an old pair of the same name is removed first. Prints WIRED_MARK and the address it has.
 */
export function wireScript(w: WireSettings): string {
  checkName(w.bridge);
  checkName(w.port);
  checkMtu(w.mtu);
  if (!CONTAINER_NAME.test(w.container)) throw bad('container name', w.container);
  if (!CONTAINER_NAME.test(w.environment)) throw bad('environment name', w.environment);
  if (!Number.isInteger(w.pid) || w.pid < 1) throw bad('pid', String(w.pid));
  if (!MAC.test(w.mac)) throw bad('MAC', w.mac);
  const inside = `nsenter -t ${String(w.pid)} -n`;
  const lines = [
    'set -e',
    `[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/${String(w.pid)}/ns/net)" ] || { echo "${w.container} shares the host's network namespace" >&2; exit 1; }`,
    `ovs-vsctl --timeout=10 br-exists ${w.bridge} || { echo "no bridge ${w.bridge} on the switch" >&2; exit 1; }`,
    `ovs-vsctl --timeout=10 --if-exists del-port ${w.bridge} ${w.port}`,
    // An eth0 left by an earlier run takes its host end with it; only a veth is ever removed.
    `if ${inside} ip -d -o link show dev eth0 2>/dev/null | grep -q ' veth '; then ${inside} ip link del dev eth0; fi`,
    `if ${inside} ip link show dev eth0 >/dev/null 2>&1; then echo "${w.container} has an eth0 that is not dockstack's" >&2; exit 1; fi`,
    `ip link del dev ${w.port} 2>/dev/null || true`,
    // The container's end is made in its namespace as eth0 at once: no name of it on the host.
    `ip link add ${w.port} mtu ${String(w.mtu)} type veth peer name eth0 address ${w.mac} mtu ${String(w.mtu)} netns ${String(w.pid)}`,
    // The userspace datapath leaves checksums to the devices: without this, DHCP and TCP fail.
    `${inside} ethtool -K eth0 tx off >/dev/null`,
    `ethtool -K ${w.port} tx off >/dev/null`,
    `${inside} ip link set dev lo up`,
    `${inside} ip link set dev eth0 up`,
    `ip link set dev ${w.port} up`,
    `ovs-vsctl --timeout=10 add-port ${w.bridge} ${w.port} -- set interface ${w.port}` +
      ` external_ids:${PORT_KEYS.container}=${w.container}` +
      ` external_ids:${PORT_KEYS.environment}=${w.environment}` +
      ` external_ids:${PORT_KEYS.ifindex}=$(cat /sys/class/net/${w.port}/ifindex)`,
  ];
  if (w.static !== undefined) {
    if (!CIDR.test(w.static.address)) throw bad('address', w.static.address);
    if (!ADDRESS.test(w.static.gateway)) throw bad('gateway', w.static.gateway);
    const ip = w.static.address.replace(/\/\d+$/, '');
    lines.push(
      `${inside} ip -4 addr flush dev eth0`,
      `${inside} ip addr add ${w.static.address} dev eth0`,
      // The gateway may be the container's own address (the seed names one): no route then.
      ...(ip === w.static.gateway
        ? []
        : [`${inside} ip route replace default via ${w.static.gateway} dev eth0`]),
      `echo '${WIRED_MARK}{"ip":"${ip}","mac":"${w.mac}","dhcp":false}'`,
    );
  } else {
    lines.push(
      // udhcpc asks from the container's namespace; the helper's script (images/common) prints
      // the lease as one JSON line without configuring anything, which is done here. It runs
      // on until the address is set, then gives the lease back (below).
      'out=$(mktemp)',
      `${inside} env UDHCPC_CONFIGURE=0 UDHCPC_RESOLV_CONF= busybox udhcpc -i eth0 -f -n -t 5 -T 1 -s /etc/udhcpc/default.script >"$out" 2>&1 &`,
      'dhcp=$!',
      `trap 'kill "$dhcp" 2>/dev/null || true; rm -f "$out"' EXIT`,
      `while kill -0 "$dhcp" 2>/dev/null && ! grep -q '^{"event":"bound"' "$out"; do sleep 0.05; done`,
      `lease=$(grep '^{"event":"bound"' "$out" | tail -n 1)`,
      `[ -n "$lease" ] || { echo "no DHCP lease for ${w.mac} on ${w.bridge}: do the dns containers run and serve its MAC?" >&2; exit 3; }`,
      `ip=$(printf '%s' "$lease" | sed -n 's/.*"ip":"\\([0-9.]*\\)".*/\\1/p')`,
      `mask=$(printf '%s' "$lease" | sed -n 's/.*"mask":\\([0-9]*\\).*/\\1/p')`,
      `router=$(printf '%s' "$lease" | sed -n 's/.*"router":"\\([0-9.]*\\)".*/\\1/p')`,
      `[ -n "$ip" ] && [ -n "$mask" ] || { echo "an unreadable lease: $lease" >&2; exit 3; }`,
      `${inside} ip -4 addr flush dev eth0`,
      `${inside} ip addr add "$ip/$mask" dev eth0`,
      `[ -z "$router" ] || ${inside} ip route replace default via "$router" dev eth0`,
      // The lease is given back (DHCPRELEASE, from the address just set): dnsmasq keeps none, so
      // the names it answers are dnsmasq/hosts alone, and a name that left the file resolves
      // no more (a lease keeps its name in dnsmasq's DNS until it expires).
      'kill -USR2 "$dhcp"',
      `n=0; while [ "$n" -lt 100 ] && ! grep -q 'entering released state' "$out"; do sleep 0.05; n=$((n + 1)); done`,
      `mac=$(${inside} ip -o link show dev eth0 | sed -n 's/.*link\\/ether \\([0-9a-f:]*\\).*/\\1/p')`,
      `echo "${WIRED_MARK}{\\"ip\\":\\"$ip\\",\\"mac\\":\\"$mac\\",\\"dhcp\\":true}"`,
    );
  }
  return lines.join('\n');
}

/** What the wiring script says the container has. */
export interface Wired {
  ip: string;
  mac: string;
  dhcp: boolean;
}

/** The WIRED_MARK line of the wiring script's output; throws when there is none. */
export function parseWired(output: string): Wired {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(WIRED_MARK));
  if (line === undefined) throw new Error('the wiring script printed no result');
  const value = JSON.parse(line.slice(WIRED_MARK.length)) as Partial<Wired>;
  if (typeof value.ip !== 'string' || typeof value.mac !== 'string') {
    throw new Error(`the wiring script printed an unreadable result: ${line}`);
  }
  return { ip: value.ip, mac: value.mac.toLowerCase(), dhcp: value.dhcp === true };
}

/** Prints the bridge, its addresses, its ports and the tunnel device, parts split by `--`. */
export function showSwitchScript(bridge: string, tunnel: string): string {
  checkName(bridge);
  checkName(tunnel);
  return [
    `ovs-vsctl --timeout=10 br-exists ${bridge} && echo present || echo absent`,
    `echo '--'`,
    `ip -4 -j addr show dev ${bridge} 2>/dev/null || echo '[]'`,
    `echo '--'`,
    `ovs-vsctl --timeout=10 --format=json --columns=name,ifindex,external_ids list Interface`,
    `echo '--'`,
    `ovs-vsctl --timeout=10 port-to-br ${tunnel} 2>/dev/null || true`,
    `echo '--'`,
    `ip -d -j link show dev ${tunnel} 2>/dev/null || echo '[]'`,
    `echo '--'`,
    `bridge -j fdb show dev ${tunnel} 2>/dev/null || echo '[]'`,
  ].join('\n');
}

/** What showSwitchScript printed; throws on output it cannot read. */
export function parseSwitch(output: string, environment: string): Omit<FoundSwitch, 'running'> {
  const parts = output.split(/^--$/m).map((p) => p.trim());
  if (parts.length !== 6) throw new Error(`expected 6 parts, got ${String(parts.length)}`);
  const [bridge = '', addrText = '', ifaceText = '', master = '', link = '', fdb = ''] = parts;
  const addrs = JSON.parse(addrText === '' ? '[]' : addrText) as {
    addr_info?: { local?: string; prefixlen?: number }[];
  }[];
  const addresses = (addrs[0]?.addr_info ?? []).map(
    (a) => `${a.local ?? ''}/${String(a.prefixlen ?? 32)}`,
  );
  const table = JSON.parse(ifaceText) as { data?: unknown[][] };
  const ports: FoundSwitch['ports'] = [];
  for (const row of table.data ?? []) {
    const [name, ifindex, ids] = row;
    if (typeof name !== 'string') continue;
    const external = ovsMap(ids);
    if (external.get(PORT_KEYS.environment) !== environment) continue;
    const container = external.get(PORT_KEYS.container);
    if (container === undefined) continue;
    // ifindex 0: the device is gone (the container stopped, its namespace with it); another
    // ifindex than the one the port was added for: a device made again under the old port.
    const index = typeof ifindex === 'number' ? ifindex : 0;
    const ok = index > 0 && external.get(PORT_KEYS.ifindex) === String(index);
    ports.push({ port: name, container, ok });
  }
  // The device's master as OVS sees it: a port of the userspace datapath has none in the kernel.
  const tunnel = parseTunnel(`${link}\n--\n${fdb}`);
  delete tunnel.master;
  return {
    bridge: bridge === 'present',
    addresses,
    ports,
    tunnel: master === '' ? tunnel : { ...tunnel, master },
  };
}

/** An OVSDB map in JSON (`["map", [[k, v], ...]]`) as a Map. */
function ovsMap(value: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (!Array.isArray(value) || value[0] !== 'map' || !Array.isArray(value[1])) return found;
  for (const pair of value[1] as unknown[]) {
    if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') {
      found.set(pair[0], pair[1]);
    }
  }
  return found;
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw bad('Linux interface name', name);
}

function checkMtu(mtu: number): void {
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > 9000) throw bad('MTU', String(mtu));
}

function bad(what: string, value: string): Error {
  return new Error(`not a valid ${what}: ${JSON.stringify(value)}`);
}
