import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { groupByTier } from './group-by-tier.js';
import { AGENT_LABEL, AGENT_LABEL_KICK } from './labels.js';
import { isManaged, managedName } from './observed.js';
import type { ConfigureStep, Plan, PlanTier } from './plan.js';

/** A running container whose agent is due a run, and why (see configure/refreshed-containers). */
export interface KickTarget {
  name: string;
  reasons: string[];
  /** The members of its own service changed: kicked in its service's tier. */
  peers?: true;
}

/** A container due a kick that gets none, and why none is due. */
export interface NotKicked {
  name: string;
  why: 'stopped' | 'no agent';
}

/**
 * The plan with a configure step for each target (pure): in its service's deploy tier when its
 * peers changed, else in a configure tier after every deploy tier, in tier order. A target that
 * does not run needs no kick (its agent runs when it starts), nor one whose image has no agent
 * (a stand-in); a target the hosts do not show (its host did not answer) gets its step, which
 * fails, so it is kicked again next time.
 */
export function withConfigureSteps(
  plan: Plan,
  targets: readonly KickTarget[],
  specs: readonly ContainerSpec[],
  observed: readonly ObservedContainer[],
  order: readonly string[],
): { plan: Plan; notKicked: NotKicked[] } {
  const specOf = new Map(specs.map((s) => [s.name, s]));
  const found = new Map<string, ObservedContainer>();
  for (const c of observed) {
    if (isManaged(c) && c.name === managedName(c)) found.set(`${c.host}\u0000${c.name}`, c);
  }
  const notKicked: NotKicked[] = [];
  const inTier: ConfigureStep[] = [];
  const after: ConfigureStep[] = [];
  for (const target of targets) {
    const spec = specOf.get(target.name);
    if (spec === undefined) continue;
    const container = found.get(`${spec.host}\u0000${spec.name}`);
    if (container !== undefined && !container.running) {
      notKicked.push({ name: target.name, why: 'stopped' });
      continue;
    }
    if (container !== undefined && container.labels[AGENT_LABEL] !== AGENT_LABEL_KICK) {
      notKicked.push({ name: target.name, why: 'no agent' });
      continue;
    }
    const step: ConfigureStep = {
      action: 'configure',
      host: spec.host,
      name: spec.name,
      service: spec.service,
      spec,
      ...(container === undefined ? {} : { id: container.id }),
      reasons: [...target.reasons],
      reason: target.reasons.join('; '),
    };
    (target.peers === true ? inTier : after).push(step);
  }
  if (inTier.length === 0 && after.length === 0) return { plan, notKicked };
  const removals = plan.tiers.filter((t) => t.phase === 'remove');
  const deploys = groupByTier(
    'deploy',
    [...plan.tiers.filter((t) => t.phase === 'deploy').flatMap((t) => t.steps), ...inTier],
    order,
  );
  const configures: PlanTier[] = groupByTier('configure', after, order);
  return { plan: { ...plan, tiers: [...removals, ...deploys, ...configures] }, notKicked };
}
