import { describe, expect, it } from 'vitest';

import { countSteps } from './count-steps.js';
import type { Plan, Step } from './plan.js';

function step(action: 'remove' | 'conflict', host: string, name: string): Step {
  if (action === 'remove') {
    return { action, host, name, id: name, running: false, reason: 'gone' };
  }
  const spec = {
    environment: 'default',
    name,
    service: 'dns',
    host,
    tier: 0,
    image: 'dns:latest',
    hostname: name,
    domain: 'endor.lab',
    dns: '10.0.0.1',
    state: 'running' as const,
  };
  return { action, host, name, service: 'dns', spec, id: 'x', reason: 'held' };
}

const zero = {
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

describe('countSteps', () => {
  it('counts nothing in an empty plan', () => {
    expect(countSteps({ hostSteps: [], tiers: [] })).toEqual({ total: zero, byHost: {} });
  });

  it('counts per action and per host, hosts sorted', () => {
    const plan: Plan = {
      hostSteps: [],
      tiers: [
        {
          phase: 'remove',
          tier: 0,
          service: 'dns',
          steps: [step('remove', 'h2', 'a'), step('remove', 'h1', 'b'), step('remove', 'h2', 'c')],
        },
        { phase: 'deploy', tier: 0, service: 'dns', steps: [step('conflict', 'h1', 'd')] },
      ],
    };
    const counts = countSteps(plan);
    expect(counts.total).toEqual({ ...zero, remove: 3, conflict: 1 });
    expect(counts.byHost).toEqual({
      h1: { ...zero, remove: 1, conflict: 1 },
      h2: { ...zero, remove: 2 },
    });
    expect(Object.keys(counts.byHost)).toEqual(['h1', 'h2']);
  });
});
