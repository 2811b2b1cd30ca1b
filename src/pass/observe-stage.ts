import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import type { HostNetworkState } from '../network/host-network-state.js';
import type { NetworkLayout } from '../network/network-layout.js';
import { observeNetwork } from '../network/observe-network.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';

export interface Observation {
  /** Every container on the hosts that answered. */
  observed: ObservedContainer[];
  /** Hosts that did not answer, with the reason. */
  unreachable: Map<string, string>;
  /** Every host asked. */
  hosts: string[];
  /** When the hosts were asked (wall time, ms since the epoch). */
  at: number;
  /** What each host that answered has of the environment's network (when it has one). */
  networks: Map<string, HostNetworkState>;
  /** Hosts whose network could not be looked at, with the reason (their containers still count). */
  networkProblems: Map<string, string>;
}

/** How the environment's network is observed, when it has one. */
export interface NetworkObservation {
  layout: NetworkLayout;
  /** Look at the tunnels too (a helper container per host). */
  tunnels: boolean;
  /** Look at the switches of the ovs driver (a command run in each); true unless false. */
  switches?: boolean;
}

/**
 * The observe stage: one list call per host, all hosts at once; a host that fails is reported,
 * not thrown.
 */
export async function observeStage(
  hosts: ReadonlyMap<string, DockerHost>,
  clock: Clock,
  network?: NetworkObservation,
): Promise<Observation> {
  const observation: Observation = {
    observed: [],
    unreachable: new Map(),
    hosts: [...hosts.keys()],
    at: clock.wallTime(),
    networks: new Map(),
    networkProblems: new Map(),
  };
  const wired = new Set(network?.layout.hosts.map((h) => h.name));
  const lists = [...hosts.values()].map(async (host) => {
    let containers: ObservedContainer[];
    try {
      containers = await host.listContainers();
      observation.observed.push(...containers);
    } catch (error) {
      observation.unreachable.set(host.name, errorMessage(error));
      return;
    }
    if (network === undefined || !wired.has(host.name)) return;
    try {
      observation.networks.set(
        host.name,
        await observeNetwork(
          host,
          network.layout,
          { tunnels: network.tunnels, switches: network.switches ?? true },
          containers,
        ),
      );
    } catch (error) {
      observation.networkProblems.set(host.name, errorMessage(error));
    }
  });
  await Promise.all(lists);
  return observation;
}

/** What hosts that run nothing look like: the observation of `dockstack plan --offline`. */
export function emptyObservation(clock: Clock): Observation {
  return {
    observed: [],
    unreachable: new Map(),
    hosts: [],
    at: clock.wallTime(),
    networks: new Map(),
    networkProblems: new Map(),
  };
}
