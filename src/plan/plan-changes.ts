import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { groupByTier } from './group-by-tier.js';
import {
  isManaged,
  managedName,
  runsOtherImage,
  addressDrift,
  serviceOf,
  specHashOf,
} from './observed.js';
import type { CreateStep, Plan, RemoveStep, Step } from './plan.js';
import { specHash } from './spec-hash.js';

/**
 * The steps that make the hosts match `desired`, grouped into tiers following `order`.
 *
 * Only containers labelled as dockstack's are ever changed or removed. A foreign container holding a
 * desired name on the target host yields a `conflict` step and is left alone; foreign containers
 * with other names are ignored. A managed container is kept only under its own name on the host the
 * environment puts it on; every other managed container (gone from the environment, moved to another
 * host, or a duplicate left by a crash) is removed before anything is deployed.
 *
 * `desired` holds each container name once, as a validated environment guarantees.
 */
export function planChanges(
  desired: readonly ContainerSpec[],
  observed: readonly ObservedContainer[],
  order: readonly string[],
): Plan {
  const wanted = new Map<string, ContainerSpec>();
  for (const spec of desired) {
    if (wanted.has(spec.name)) throw new Error(`container '${spec.name}' is desired twice`);
    wanted.set(spec.name, spec);
  }
  const byDockerName = new Map<string, ObservedContainer>();
  const hostsOf = new Map<string, string[]>();
  for (const container of observed) {
    byDockerName.set(key(container.host, container.name), container);
    if (!isManaged(container)) continue;
    const name = managedName(container);
    const hosts = hostsOf.get(name);
    if (hosts === undefined) hostsOf.set(name, [container.host]);
    else hosts.push(container.host);
  }
  const keptOn = (host: string, name: string): ObservedContainer | undefined => {
    const holder = byDockerName.get(key(host, name));
    return holder !== undefined && isManaged(holder) && managedName(holder) === name
      ? holder
      : undefined;
  };

  const removals: RemoveStep[] = [];
  for (const container of observed) {
    if (!isManaged(container)) continue;
    const removal = removalOf(container, wanted.get(managedName(container)), keptOn);
    if (removal !== undefined) removals.push(removal);
  }
  const deploys: Step[] = [];
  for (const spec of desired) {
    const holder = byDockerName.get(key(spec.host, spec.name));
    const step = deployStep(spec, holder, otherHost(hostsOf.get(spec.name), spec.host));
    if (step !== undefined) deploys.push(step);
  }
  return {
    hostSteps: [],
    tiers: [...groupByTier('remove', removals, order), ...groupByTier('deploy', deploys, order)],
  };
}

function removalOf(
  container: ObservedContainer,
  spec: ContainerSpec | undefined,
  keptOn: (host: string, name: string) => ObservedContainer | undefined,
): RemoveStep | undefined {
  const name = managedName(container);
  let reason: string;
  let movedTo: string | undefined;
  if (spec === undefined) {
    reason = 'no longer in the environment';
  } else if (spec.host !== container.host) {
    if (keptOn(spec.host, name) === undefined) {
      movedTo = spec.host;
      reason = `moves to ${spec.host}`;
    } else {
      reason = `a leftover copy: it runs on ${spec.host} now`;
    }
  } else if (container.name !== name) {
    const copy = keptOn(container.host, name) === undefined ? 'a leftover' : 'a duplicate';
    reason = `${copy} copy under the Docker name '${container.name}'`;
  } else {
    return undefined;
  }
  const service = serviceOf(container);
  return {
    action: 'remove',
    host: container.host,
    name,
    ...(service === undefined ? {} : { service }),
    id: container.id,
    running: container.running,
    ...(container.name === name ? {} : { dockerName: container.name }),
    ...(movedTo === undefined ? {} : { movedTo }),
    reason,
  };
}

function deployStep(
  spec: ContainerSpec,
  holder: ObservedContainer | undefined,
  movedFrom: string | undefined,
): Step | undefined {
  const base = { host: spec.host, name: spec.name, service: spec.service, spec };
  const start = spec.state === 'running';

  if (holder === undefined || (isManaged(holder) && managedName(holder) !== spec.name)) {
    const stays = start ? '' : ', and stays stopped';
    const create: CreateStep = {
      action: 'create',
      ...base,
      start,
      reason: `missing from the host${stays}`,
    };
    if (movedFrom === undefined) return create;
    return { ...create, movedFrom, reason: `moves here from ${movedFrom}${stays}` };
  }
  if (!isManaged(holder)) {
    return {
      action: 'conflict',
      ...base,
      id: holder.id,
      reason:
        `the name is held by a container dockstack does not manage (id ${shortId(holder.id)}), ` +
        `which it leaves alone: remove or rename that container, or rename ${spec.name} in the ` +
        'environment',
    };
  }

  const want = specHash(spec);
  const have = specHashOf(holder);
  if (have !== want) {
    const why =
      have === undefined ? 'no spec-hash label' : `spec changed (hash ${have} -> ${want})`;
    return { action: 'recreate', ...base, id: holder.id, start, reason: why };
  }
  if (runsOtherImage(holder, spec.image)) {
    return {
      action: 'recreate',
      ...base,
      id: holder.id,
      start,
      reason: `it runs ${holder.image ?? ''}, not ${spec.image}`,
    };
  }
  const moved = addressDrift(holder, spec);
  if (moved !== undefined) {
    return { action: 'recreate', ...base, id: holder.id, start, reason: moved };
  }
  if (start && !holder.running) {
    return {
      action: 'start',
      ...base,
      id: holder.id,
      reason: 'stopped; the environment wants it running',
    };
  }
  if (!start && holder.running) {
    return {
      action: 'stop',
      ...base,
      id: holder.id,
      reason: 'running; the environment wants it stopped',
    };
  }
  return undefined;
}

/** The first, in sorted order, of `hosts` other than `except`. */
function otherHost(hosts: readonly string[] | undefined, except: string): string | undefined {
  let found: string | undefined;
  for (const host of hosts ?? []) {
    if (host !== except && (found === undefined || host < found)) found = host;
  }
  return found;
}

function key(host: string, name: string): string {
  return `${host}\u0000${name}`;
}

function shortId(id: string): string {
  return id.slice(0, 12);
}
