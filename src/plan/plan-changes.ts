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
import { asideName, isAside } from './aside.js';
import type { CreateStep, Plan, RecreateStep, RemoveStep, Step } from './plan.js';
import { specHash } from './spec-hash.js';

/** How running members are replaced. */
export interface RolloutOptions {
  /** How many members of a service are replaced at once (default 1). */
  parallel?: (service: string) => number;
  /**
   * Containers whose replacement was rolled back at this head: not replaced again until the
   * branch moves on (or someone asks for a retry).
   */
  held?: ReadonlySet<string>;
}

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
  rollout: RolloutOptions = {},
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

  const asideOn = (host: string, name: string): ObservedContainer | undefined => {
    const held = byDockerName.get(key(host, asideName(name)));
    return held !== undefined && isAside(held) ? held : undefined;
  };

  const removals: RemoveStep[] = [];
  for (const container of observed) {
    if (!isManaged(container)) continue;
    const spec = wanted.get(managedName(container));
    // The old container of a replacement under way here is the deploy step's to finish or undo.
    if (isAside(container) && spec?.host === container.host) continue;
    const removal = removalOf(container, spec, keptOn);
    if (removal !== undefined) removals.push(removal);
  }
  const deploys: Step[] = [];
  const heldNow: string[] = [];
  for (const spec of desired) {
    const holder = byDockerName.get(key(spec.host, spec.name));
    const aside = asideOn(spec.host, spec.name);
    const step =
      aside === undefined
        ? deployStep(spec, holder, otherHost(hostsOf.get(spec.name), spec.host), (name) => {
            if (rollout.held?.has(name) !== true) return false;
            heldNow.push(name);
            return true;
          })
        : interrupted(spec, holder, aside);
    if (step !== undefined) deploys.push(step);
  }
  inWaves(deploys, rollout.parallel ?? (() => 1));
  return {
    hostSteps: [],
    tiers: [...groupByTier('remove', removals, order), ...groupByTier('deploy', deploys, order)],
    ...(heldNow.length === 0 ? {} : { held: heldNow }),
  };
}

/**
 * The step that finishes or undoes a replacement a crash interrupted (its old container is
 * aside): with the new container there, it is waited for; without it, the old one comes back.
 */
function interrupted(
  spec: ContainerSpec,
  holder: ObservedContainer | undefined,
  aside: ObservedContainer,
): Step {
  const base = { host: spec.host, name: spec.name, service: spec.service, spec };
  const start = spec.state === 'running';
  if (holder !== undefined && isManaged(holder) && managedName(holder) === spec.name) {
    return {
      action: 'recreate',
      ...base,
      id: holder.id,
      start,
      keepOld: true,
      aside: aside.id,
      reason:
        'an interrupted replacement: the new container is kept once ready, else the old one comes back',
    };
  }
  return {
    action: 'restore',
    ...base,
    id: aside.id,
    start,
    reason: 'an interrupted replacement left no container under its name: the old one comes back',
  };
}

/**
 * Puts the replacements of running members of each service into waves (pure, in place): in name
 * order, `parallel(service)` members a wave, so a service of two or more members keeps serving.
 */
function inWaves(steps: readonly Step[], parallel: (service: string) => number): void {
  const byService = new Map<string, RecreateStep[]>();
  for (const step of steps) {
    if (step.action !== 'recreate' || step.keepOld !== true || step.aside !== undefined) continue;
    byService.set(step.service, [...(byService.get(step.service) ?? []), step]);
  }
  for (const [service, members] of byService) {
    const size = Math.max(1, Math.floor(parallel(service)));
    members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    members.forEach((step, index) => {
      step.wave = Math.floor(index / size);
    });
  }
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
  /** True when the replacement of the named container is held (and so left out). */
  held: (name: string) => boolean = () => false,
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

  // A running container that is to run is replaced keeping the old one until the new one is ready.
  const replace = (reason: string): RecreateStep => ({
    action: 'recreate',
    ...base,
    id: holder.id,
    start,
    ...(start && holder.running ? { keepOld: true as const } : {}),
    reason,
  });
  const want = specHash(spec);
  const have = specHashOf(holder);
  if (have !== want || runsOtherImage(holder, spec.image)) {
    // A replacement rolled back at this head is not tried again until the branch moves on.
    if (held(spec.name)) return undefined;
    if (have !== want) {
      return replace(
        have === undefined ? 'no spec-hash label' : `spec changed (hash ${have} -> ${want})`,
      );
    }
    return replace(`it runs ${holder.image ?? ''}, not ${spec.image}`);
  }
  const moved = addressDrift(holder, spec);
  if (moved !== undefined) return replace(moved);
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
