import type { Plan } from '../plan/plan.js';
import type { UnreachableHost } from '../plan/unreachable-host.js';
import type { ApplyResult } from './apply-result.js';

/**
 * A plan and what applying it did. `result.converged` is true only when every step is done,
 * every host answered and no member is held back.
 */
export interface Reconciliation {
  plan: Plan;
  result: ApplyResult;
  unreachable: UnreachableHost[];
  /**
   * The members that run their old containers because their replacement was rolled back, by
   * this apply or earlier at the same head: not replaced again until the branch moves on.
   */
  held: string[];
}
