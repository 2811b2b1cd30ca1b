import { containerSpecs } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import type { Plan } from '../plan/plan.js';
import type { KickTarget } from '../plan/plan-configure.js';
import type { ClassMap } from '../render/class-map.js';
import type { ClassInputsMap } from '../render/class-inputs.js';
import { compareText } from '../util/compare-text.js';
import { refreshedByPlan, type Refresh } from './refreshed-containers.js';

/** What the agents are configured for now, as an entry point knows it. */
export interface ConfiguredBefore {
  /** The environment the agents were last given; undefined: none known, nothing is kicked. */
  env: Environment | undefined;
  /** The containers whose last kick failed: kicked again. */
  retry?: readonly string[];
}

/**
 * The containers whose agents a plan kicks: those whose configuration changes from `before` to
 * `after` (see refreshedByPlan), and those whose last kick failed and that are still meant to
 * run; sorted by name.
 */
export function kickTargets(
  before: ConfiguredBefore,
  after: Environment,
  plan: Plan,
  renderer: { classes: ClassMap; inputs: ClassInputsMap },
): { refreshed: Refresh[]; targets: KickTarget[] } {
  const refreshed = refreshedByPlan(before.env, after, plan, renderer);
  const running = new Set(
    containerSpecs(after)
      .filter((s) => s.state === 'running')
      .map((s) => s.name),
  );
  const targets = new Map<string, KickTarget>(
    refreshed.map((r) => [r.name, { ...r, reasons: [...r.reasons] }]),
  );
  for (const name of before.retry ?? []) {
    if (!running.has(name)) continue;
    const target = targets.get(name) ?? { name, reasons: [] };
    target.reasons.push('its last kick failed');
    targets.set(name, target);
  }
  return {
    refreshed,
    targets: [...targets.values()].sort((a, b) => compareText(a.name, b.name)),
  };
}
