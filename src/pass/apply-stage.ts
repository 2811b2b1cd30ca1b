import { applyPlan, type ApplyOptions } from '../apply/apply-plan.js';
import type { Reconciliation } from '../apply/reconciliation.js';
import type { Planned } from './plan-stage.js';

/**
 * The apply stage: exactly the plan's steps, each by the executor of its action. The pass
 * converged when every step is done, every host answered and no member is held back (rolled
 * back now, or before at the same head).
 */
export async function applyStage(planned: Planned, options: ApplyOptions): Promise<Reconciliation> {
  const result = await applyPlan(planned.plan, options);
  // The rolled-back members, and those whose turn did not come: left as they run.
  const rolledBack = result.steps
    .filter((s) => s.rolledBack !== undefined || s.heldBack === true)
    .map((s) => s.name);
  const held = [...new Set([...(planned.plan.held ?? []), ...rolledBack])].sort();
  return {
    plan: planned.plan,
    result: {
      ...result,
      converged: result.converged && planned.unreachable.length === 0 && held.length === 0,
    },
    unreachable: planned.unreachable,
    held,
  };
}
