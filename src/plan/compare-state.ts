import type { ContainerSpec } from '../environment/container-spec.js';
import type { Health, ObservedContainer } from '../hosts/observed-container.js';
import {
  isManaged,
  managedName,
  runsOtherImage,
  addressDrift,
  serviceOf,
  specHashOf,
} from './observed.js';
import { compareText } from '../util/compare-text.js';
import { specHash } from './spec-hash.js';

/**
 * One container's desired and observed state:
 * - desired: what the environment asks (`absent` for a managed container it no longer names)
 * - observed: what runs; `blocked` when a container dockstack does not manage holds the name;
 *   `unknown` when its host could not be observed
 * - drifted: it exists but was created from another spec (image, address, ...)
 */
export interface ContainerState {
  host: string;
  name: string;
  service: string | null;
  desired: 'running' | 'stopped' | 'absent';
  observed: 'running' | 'stopped' | 'missing' | 'blocked' | 'unknown';
  drifted: boolean;
  /**
   * True when it is as the environment asks, and serves: a running container whose health check
   * says starting or unhealthy is not ok.
   */
  ok: boolean;
  /** Its service's place in the tier order (0 starts first); absent for one no longer named. */
  tier?: number;
  /** Its IPv4 address and MAC: the environment's, else what the engine reports. */
  address?: string;
  mac?: string;
  /** What its health check says, when its image has one and it runs. */
  health?: Health;
}

/**
 * Desired against observed, container by container, sorted by host and name. A container on a host
 * in `unreachable` is `unknown`: nothing is known to have changed there.
 */
export function compareState(
  desired: readonly ContainerSpec[],
  observed: readonly ObservedContainer[],
  unreachable: ReadonlySet<string> = new Set(),
): ContainerState[] {
  const onHost = new Map<string, ObservedContainer>();
  for (const container of observed)
    onHost.set(`${container.host}\u0000${container.name}`, container);
  const wanted = new Set(desired.map((spec) => `${spec.host}\u0000${spec.name}`));
  const states: ContainerState[] = [];

  for (const spec of desired) {
    const found = onHost.get(`${spec.host}\u0000${spec.name}`);
    const base = {
      host: spec.host,
      name: spec.name,
      service: spec.service,
      desired: spec.state,
      tier: spec.tier,
      ...addressOf(spec, found),
    };
    if (unreachable.has(spec.host)) {
      states.push({ ...base, observed: 'unknown', drifted: false, ok: false });
    } else if (found === undefined || (isManaged(found) && managedName(found) !== spec.name)) {
      states.push({ ...base, observed: 'missing', drifted: false, ok: false });
    } else if (!isManaged(found)) {
      states.push({ ...base, observed: 'blocked', drifted: false, ok: false });
    } else {
      const drifted =
        specHashOf(found) !== specHash(spec) ||
        runsOtherImage(found, spec.image) ||
        addressDrift(found, spec) !== undefined;
      const run = found.running ? 'running' : 'stopped';
      // A container that runs is ok once it serves: healthy, where its image has a check.
      const serves = !found.running || found.health === undefined || found.health === 'healthy';
      states.push({
        ...base,
        observed: run,
        drifted,
        ok: !drifted && run === spec.state && serves,
        ...(found.running && found.health !== undefined ? { health: found.health } : {}),
      });
    }
  }
  for (const container of observed) {
    if (!isManaged(container)) continue;
    const name = managedName(container);
    if (container.name === name && wanted.has(`${container.host}\u0000${name}`)) continue;
    states.push({
      host: container.host,
      name: container.name,
      service: serviceOf(container) ?? null,
      desired: 'absent',
      observed: container.running ? 'running' : 'stopped',
      drifted: false,
      ok: false,
      ...addressOf({}, container),
    });
  }
  return states.sort((a, b) => compareText(a.host, b.host) || compareText(a.name, b.name));
}

/** The file's (or allocated) address and MAC; what the engine reports where the file has none. */
function addressOf(
  spec: { ipaddress?: string; macAddress?: string },
  found: ObservedContainer | undefined,
): { address?: string; mac?: string } {
  const seen = found?.networks?.find((n) => n.ipv4 !== undefined) ?? found?.networks?.[0];
  const address = spec.ipaddress?.replace(/\/\d+$/, '') ?? seen?.ipv4;
  const mac = spec.macAddress?.toLowerCase() ?? seen?.macAddress?.toLowerCase();
  return {
    ...(address === undefined ? {} : { address }),
    ...(mac === undefined ? {} : { mac }),
  };
}
