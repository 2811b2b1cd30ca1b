/** A bridge network to create on a Docker host, with a fixed subnet and gateway. */
export interface NetworkSpec {
  name: string;
  /** IPv4 CIDR, e.g. `10.0.0.0/16`. */
  subnet: string;
  gateway: string;
  mtu?: number;
  /** The Linux bridge's name on the host; the engine picks one unless given. */
  bridgeName?: string;
  labels: Record<string, string>;
  /** Further driver options, e.g. `com.docker.network.bridge.inhibit_ipv4`. */
  options?: Record<string, string>;
}

/** A network as found on a Docker host. */
export interface ObservedNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
  subnet?: string;
  gateway?: string;
  bridgeName?: string;
  mtu?: number;
  /** Every driver option, including the bridge name and MTU. */
  options: Record<string, string>;
}

/** Where a container sits on a network it joins. */
export interface NetworkAttachment {
  ipv4?: string;
  macAddress?: string;
}

/** The driver options that carry a bridge network's bridge name and MTU. */
export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
export const MTU_OPTION = 'com.docker.network.driver.mtu';
