import { describe, expect, it } from 'vitest';

import { isEmpty, planSteps, type Plan, type RemoveStep } from './plan.js';

function removal(name: string): RemoveStep {
  return { action: 'remove', host: 'h1', name, id: `${name}-id`, running: true, reason: 'gone' };
}

describe('isEmpty', () => {
  it.each<{ name: string; plan: Plan; expected: boolean }>([
    { name: 'no tiers', plan: { hostSteps: [], tiers: [] }, expected: true },
    {
      name: 'tiers without steps',
      plan: { hostSteps: [], tiers: [{ phase: 'deploy', tier: 0, service: 'dns', steps: [] }] },
      expected: true,
    },
    {
      name: 'a step',
      plan: {
        hostSteps: [],
        tiers: [{ phase: 'remove', tier: 0, service: 'dns', steps: [removal('dns1')] }],
      },
      expected: false,
    },
  ])('is $expected with $name', ({ plan, expected }) => {
    expect(isEmpty(plan)).toBe(expected);
  });
});

describe('planSteps', () => {
  it('lists the steps in plan order', () => {
    const plan: Plan = {
      hostSteps: [],
      tiers: [
        { phase: 'remove', tier: 1, service: 'puppet', steps: [removal('b'), removal('c')] },
        { phase: 'remove', tier: 0, service: 'dns', steps: [removal('a')] },
      ],
    };
    expect(planSteps(plan).map((step) => step.name)).toEqual(['b', 'c', 'a']);
  });
});
