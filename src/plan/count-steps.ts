import { planSteps, type HostAction, type Plan, type StepAction } from './plan.js';

export type ActionCounts = Record<StepAction | HostAction, number>;

export interface StepCounts {
  total: ActionCounts;
  /** Per host, with hosts in sorted order. */
  byHost: Record<string, ActionCounts>;
}

/** How many steps of each action the plan holds, host steps included, in all and per host. */
export function countSteps(plan: Plan): StepCounts {
  const total = zeroCounts();
  const byHost = new Map<string, ActionCounts>();
  for (const step of [...plan.hostSteps, ...planSteps(plan)]) {
    total[step.action] += 1;
    let host = byHost.get(step.host);
    if (host === undefined) {
      host = zeroCounts();
      byHost.set(step.host, host);
    }
    host[step.action] += 1;
  }
  const hosts = [...byHost.keys()].sort();
  return {
    total,
    byHost: Object.fromEntries(hosts.map((h) => [h, byHost.get(h) ?? zeroCounts()])),
  };
}

function zeroCounts(): ActionCounts {
  return {
    network: 0,
    switch: 0,
    tunnel: 0,
    create: 0,
    recreate: 0,
    restore: 0,
    start: 0,
    stop: 0,
    remove: 0,
    conflict: 0,
    attach: 0,
    configure: 0,
  };
}
