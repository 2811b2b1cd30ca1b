import { CONTAINER_PHASES, type ContainerPhase, type PlanTier, type Step } from './plan.js';
import { compareText } from '../util/compare-text.js';

/**
 * Steps grouped by the tier of their service (its index in `order`), sorted by host, name, phase
 * and id inside each group. Removals run from the last tier back, after the services outside the
 * order; deploys run from the first tier on, with services outside the order last. Groups without
 * steps are left out.
 */
export function groupByTier(
  phase: PlanTier['phase'],
  steps: readonly Step[],
  order: readonly string[],
): PlanTier[] {
  const rank = new Map(order.map((service, index) => [service, index]));
  const groups = new Map<number | null, Step[]>();
  for (const step of steps) {
    const tier = step.service === undefined ? null : (rank.get(step.service) ?? null);
    const members = groups.get(tier);
    if (members === undefined) groups.set(tier, [step]);
    else members.push(step);
  }
  const tiers = [...groups.keys()].filter((tier) => tier !== null).sort((a, b) => a - b);
  const sequence: (number | null)[] =
    phase === 'remove' ? [null, ...tiers.reverse()] : [...tiers, null];
  return sequence.flatMap((tier) => {
    const members = groups.get(tier);
    if (members === undefined) return [];
    return [
      {
        phase,
        tier,
        service: tier === null ? null : (order[tier] ?? null),
        steps: members.sort(byPlace),
      },
    ];
  });
}

/** The phase (see CONTAINER_PHASES) each action's work begins in: a container's steps in order. */
const FIRST_PHASE: Record<Step['action'], ContainerPhase> = {
  remove: 'remove',
  recreate: 'remove',
  restore: 'start',
  create: 'create',
  conflict: 'create',
  start: 'start',
  stop: 'start',
  attach: 'attach',
  configure: 'configure',
};

function byPlace(a: Step, b: Step): number {
  const phase = (step: Step) => CONTAINER_PHASES.indexOf(FIRST_PHASE[step.action]);
  return (
    compareText(a.host, b.host) ||
    compareText(a.name, b.name) ||
    phase(a) - phase(b) ||
    compareText('id' in a ? (a.id ?? '') : '', 'id' in b ? (b.id ?? '') : '')
  );
}
