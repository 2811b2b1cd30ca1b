import type { Plan } from '../plan/plan.js';
import type { UnreachableHost } from '../plan/unreachable-host.js';
import type { ApplyResult } from './apply-result.js';

/**
 * A plan and what applying it did. `result.converged` is true only when every step is done and
 * every host answered.
 */
export interface Reconciliation {
  plan: Plan;
  result: ApplyResult;
  unreachable: UnreachableHost[];
}
