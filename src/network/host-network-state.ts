/** A network as found on a Docker host (the parts the planner compares). */
export interface FoundNetwork {
  id: string;
  subnet?: string;
  gateway?: string;
  bridgeName?: string;
  mtu?: number;
  options: Record<string, string>;
}

/** The VXLAN device of the environment on a host, as its helper sees it. */
export interface FoundTunnel {
  present: boolean;
  vni?: number;
  local?: string;
  /** The bridge it is a port of. */
  master?: string;
  /** The peers it floods to (the destinations of its all-zeros forwarding entries). */
  peers: string[];
}

/** The host's Open vSwitch and the environment's bridge on it (the `ovs` driver). */
export interface FoundSwitch {
  /** The switch container runs (the rest is known only then). */
  running: boolean;
  /** The environment's bridge exists. */
  bridge: boolean;
  /** IPv4 addresses on the bridge's own port, `IP/PREFIX`. */
  addresses: string[];
  /** The environment's container ports; `ok` false when the container's end is gone. */
  ports: { port: string; container: string; ok: boolean }[];
  tunnel: FoundTunnel;
}

/** What one host has of the environment's network. */
export interface HostNetworkState {
  /** The switch, for the `ovs` driver; undefined when it was not looked at. */
  switch?: FoundSwitch;
  /** The environment's Docker network, when the host has it. */
  network?: FoundNetwork;
  /** The tunnel; undefined when it was not looked at. */
  tunnel?: FoundTunnel;
}
