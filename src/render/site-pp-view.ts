import { containerSpecs } from '../environment/container-spec.js';
import { isSecretKey, PUBLIC_COMMON_KEYS, type Environment } from '../environment/schema.js';
import { tierRanks } from '../environment/tier-order.js';
import type { ClassMap } from './class-map.js';
import { compareText } from '../util/compare-text.js';

/** One key of a Puppet hash and its scalar value. */
export interface PuppetEntry {
  key: string;
  value: string | number | boolean;
}

/** The FQDNs of one service's (or external role's) members. */
export interface MemberList {
  service: string;
  fqdns: string[];
}

/** One `node` block of site.pp. */
export interface NodeBlock {
  fqdn: string;
  classes: readonly string[];
}

/** What templates/site.pp.hbs renders. */
export interface SitePpView {
  /** Non-secret `common` values other than `parameters`, sorted by key. */
  common: PuppetEntry[];
  /** Non-secret `common.parameters` (and those `public_parameters` lists), sorted by key. */
  parameters: PuppetEntry[];
  /** Every service in tier order, then the external roles by name. */
  members: MemberList[];
  /** Containers in tier order (then service and name), then external nodes by role and name. */
  nodes: NodeBlock[];
}

/**
 * The data site.pp is rendered from.
 *
 * - Every container gets its node block, stopped ones included: a stopped container is still part
 *   of the environment, and its catalog must compile the moment it starts again.
 * - Members list only the containers meant to run (stopped ones left out), so peers stop pointing
 *   at a stopped container at their next agent run. External nodes count as running members of
 *   their role.
 * - A service or role without classes in `classes` gets no node block, but still its member list.
 */
export function sitePpView(env: Environment, classes: ClassMap): SitePpView {
  const domain = env.common.domain;
  const classesOf = (service: string): readonly string[] =>
    (Object.hasOwn(classes, service) ? classes[service] : undefined) ?? [];

  const members = new Map<string, string[]>(servicesInTierOrder(env).map((s) => [s, []]));
  const nodes: NodeBlock[] = [];
  for (const spec of containerSpecs(env)) {
    const fqdn = `${spec.name}.${domain}`;
    if (spec.state === 'running') members.get(spec.service)?.push(fqdn);
    if (classesOf(spec.service).length > 0) nodes.push({ fqdn, classes: classesOf(spec.service) });
  }
  for (const [role, external] of sortedEntries(env.external ?? {})) {
    const fqdns = sortedEntries(external ?? {}).map(([name]) => `${name}.${domain}`);
    members.set(role, [...(members.get(role) ?? []), ...fqdns]);
    if (classesOf(role).length > 0) {
      for (const fqdn of fqdns) nodes.push({ fqdn, classes: classesOf(role) });
    }
  }

  const { parameters = {}, public_parameters: publicParameters = [], ...rest } = env.common;
  return {
    common: puppetEntries(rest, PUBLIC_COMMON_KEYS),
    parameters: puppetEntries(parameters, new Set(publicParameters)),
    members: [...members].map(([service, fqdns]) => ({ service, fqdns })),
    nodes,
  };
}

function servicesInTierOrder(env: Environment): string[] {
  const ranks = tierRanks(env);
  const rank = (service: string): number => ranks.get(service) ?? ranks.size;
  return Object.keys(env.services).sort((a, b) => rank(a) - rank(b) || compareText(a, b));
}

function puppetEntries(
  values: Record<string, string | number | boolean | undefined>,
  publicKeys: ReadonlySet<string>,
): PuppetEntry[] {
  const entries: PuppetEntry[] = [];
  for (const [key, value] of sortedEntries(values)) {
    if (value !== undefined && !isSecretKey(key, publicKeys)) entries.push({ key, value });
  }
  return entries;
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareText(a, b));
}
