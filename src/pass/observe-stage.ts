import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../plan/observed.js';
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
}

/**
 * The observe stage: one list call per host, all hosts at once; a host that fails is reported,
 * not thrown.
 */
export async function observeStage(
  hosts: ReadonlyMap<string, DockerHost>,
  clock: Clock,
): Promise<Observation> {
  const observation: Observation = {
    observed: [],
    unreachable: new Map(),
    hosts: [...hosts.keys()],
    at: clock.wallTime(),
  };
  const lists = [...hosts.values()].map(async (host) => {
    try {
      observation.observed.push(...(await host.listContainers()));
    } catch (error) {
      observation.unreachable.set(host.name, errorMessage(error));
    }
  });
  await Promise.all(lists);
  return observation;
}

/** What hosts that run nothing look like: the observation of `dockstack plan --offline`. */
export function emptyObservation(clock: Clock): Observation {
  return { observed: [], unreachable: new Map(), hosts: [], at: clock.wallTime() };
}
