import { containerSpecs } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { secretValues } from '../environment/secret-values.js';
import { planSteps, type Plan } from '../plan/plan.js';
import type { ClassMap } from '../render/class-map.js';
import { inputsOf, type ClassInputsMap } from '../render/class-inputs.js';
import { sitePpView, type PuppetEntry } from '../render/site-pp-view.js';

/** A container whose Puppet configuration changes, and why. */
export interface Refresh {
  name: string;
  /**
   * E.g. `members of galera changed: + gal2.endor.lab`, `common.vip changed`,
   * `secret galera_password changed` (never the value).
   */
  reasons: string[];
  /**
   * True when the members of its own service changed (the peers of a cluster): it takes them
   * while the new members start, in its service's tier, not once every tier is up.
   */
  peers?: true;
}

/**
 * The containers that keep running from `before` to `after` but whose Puppet configuration
 * changes: those with a class that reads a member list, a `common` value or a secret that changes
 * (the galera cluster address, the haproxy members, the cassandra seeds, ...), as `inputs` says what
 * each class reads (a class it does not know reads everything). Containers created or recreated
 * by the change are left out: they start with the new configuration. Sorted by name.
 */
export function refreshedContainers(
  before: Environment | undefined,
  after: Environment,
  createdOrRecreated: ReadonlySet<string>,
  classes: ClassMap,
  inputs: ClassInputsMap = new Map(),
): Refresh[] {
  if (before === undefined) return [];
  const old = sitePpView(before, classes);
  const now = sitePpView(after, classes);

  const members = new Map<string, string>();
  const oldMembers = new Map(old.members.map((m) => [m.service, m.fqdns]));
  for (const { service, fqdns } of now.members) {
    const was = oldMembers.get(service) ?? [];
    oldMembers.delete(service);
    const change = memberChange(was, fqdns);
    if (change !== undefined) members.set(service, change);
  }
  for (const [service, was] of oldMembers) {
    const change = memberChange(was, []);
    if (change !== undefined) members.set(service, change);
  }
  const common = changedKeys(
    [...old.common, { key: 'parameters', value: JSON.stringify(old.parameters) }],
    [...now.common, { key: 'parameters', value: JSON.stringify(now.parameters) }],
  );
  const secrets = changedKeys(secretsOf(before), secretsOf(after));
  if (members.size === 0 && common.length === 0 && secrets.length === 0) return [];

  const existing = new Set(containerSpecs(before).map((s) => s.name));
  const refreshed: Refresh[] = [];
  for (const spec of containerSpecs(after)) {
    if (spec.state !== 'running' || !existing.has(spec.name)) continue;
    if (createdOrRecreated.has(spec.name)) continue;
    const reasons = new Set<string>();
    let peers = false;
    for (const className of classes[spec.service] ?? []) {
      const reads = inputsOf(inputs, className);
      for (const [service, change] of members) {
        if (reads.members === 'all' || reads.members.has(service)) {
          reasons.add(`members of ${service} changed: ${change}`);
          if (service === spec.service) peers = true;
        }
      }
      for (const key of common) {
        if (reads.common === 'all' || reads.common.has(key)) reasons.add(`common.${key} changed`);
      }
      for (const key of secrets) {
        if (reads.secrets === 'all' || reads.secrets.has(key)) reasons.add(`secret ${key} changed`);
      }
    }
    if (reasons.size > 0) {
      refreshed.push({ name: spec.name, reasons: [...reasons], ...(peers ? { peers: true } : {}) });
    }
  }
  return refreshed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The containers a planned change refreshes: as refreshedContainers, leaving out those the plan
 * creates or recreates.
 */
export function refreshedByPlan(
  before: Environment | undefined,
  after: Environment,
  plan: Plan,
  renderer: { classes: ClassMap; inputs: ClassInputsMap },
): Refresh[] {
  const fresh = new Set(
    planSteps(plan)
      .filter((s) => s.action === 'create' || s.action === 'recreate')
      .map((s) => s.name),
  );
  return refreshedContainers(before, after, fresh, renderer.classes, renderer.inputs);
}

/** `+ new.fqdn − gone.fqdn`, or undefined when the list is the same (order included). */
function memberChange(was: readonly string[], now: readonly string[]): string | undefined {
  if (was.length === now.length && was.every((fqdn, i) => fqdn === now[i])) return undefined;
  const added = now.filter((fqdn) => !was.includes(fqdn)).map((fqdn) => `+ ${fqdn}`);
  const removed = was.filter((fqdn) => !now.includes(fqdn)).map((fqdn) => `− ${fqdn}`);
  const parts = [...added, ...removed];
  return parts.length > 0 ? parts.join(' ') : 'reordered';
}

/** The secrets as the puppet servers get them. */
function secretsOf(env: Environment): PuppetEntry[] {
  return Object.entries(secretValues(env)).map(([key, value]) => ({ key, value }));
}

function changedKeys(was: readonly PuppetEntry[], now: readonly PuppetEntry[]): string[] {
  const before = new Map(was.map((e) => [e.key, e.value]));
  const keys = new Set<string>();
  for (const { key, value } of now) {
    if (before.get(key) !== value) keys.add(key);
    before.delete(key);
  }
  for (const key of before.keys()) keys.add(key);
  return [...keys].sort();
}
