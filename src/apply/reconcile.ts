import type { Environment } from '../environment/schema.js';
import type { Plan } from '../plan/plan.js';
import { applyPlan, type ApplyOptions } from './apply-plan.js';
import type { ApplyResult } from './apply-result.js';
import { planForHosts } from './plan-for-hosts.js';

export interface UnreachableHost {
  host: string;
  error: string;
  /** The containers the environment puts there, left as they are. */
  containers: string[];
}

export interface Reconciliation {
  plan: Plan;
  result: ApplyResult;
  unreachable: UnreachableHost[];
}

/**
 * Observes every host, plans, and applies the plan. Containers on a host that cannot be reached are
 * left out of the plan and reported; every other host converges.
 */
export async function reconcile(env: Environment, options: ApplyOptions): Promise<Reconciliation> {
  const { plan, specs, reachable, unreachable } = await planForHosts(env, options.hosts);
  const result = await applyPlan(plan, options);

  const skipped = new Map<string, UnreachableHost>();
  for (const spec of specs) {
    if (reachable.has(spec)) continue;
    const host = spec.host;
    const entry = skipped.get(host) ?? {
      host,
      error: unreachable.get(host) ?? `no connection to Docker host ${host}`,
      containers: [],
    };
    entry.containers.push(spec.name);
    skipped.set(host, entry);
  }
  for (const [host, error] of unreachable) {
    if (!skipped.has(host)) skipped.set(host, { host, error, containers: [] });
  }
  const unreachableHosts = [...skipped.values()].sort((a, b) => (a.host < b.host ? -1 : 1));
  return {
    plan,
    result: { ...result, converged: result.converged && unreachableHosts.length === 0 },
    unreachable: unreachableHosts,
  };
}
