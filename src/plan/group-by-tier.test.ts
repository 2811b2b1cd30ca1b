import { describe, expect, it } from 'vitest';

import { groupByTier } from './group-by-tier.js';
import type { RemoveStep } from './plan.js';

const order = ['dns', 'puppet', 'webui'];

function removal(host: string, name: string, service?: string, id = `${name}-id`): RemoveStep {
  return {
    action: 'remove',
    host,
    name,
    ...(service === undefined ? {} : { service }),
    id,
    running: true,
    reason: 'gone',
  };
}

const steps = [
  removal('h2', 'web1', 'webui'),
  removal('h1', 'dns2', 'dns'),
  removal('h1', 'old1', 'legacy'),
  removal('h2', 'dns1', 'dns'),
  removal('h1', 'dns1', 'dns', 'b'),
  removal('h1', 'dns1', 'dns', 'a'),
  removal('h1', 'bare1'),
];

function shape(phase: 'remove' | 'deploy'): string[][] {
  return groupByTier(phase, steps, order).map((tier) => [
    `${tier.phase} ${String(tier.tier)} ${tier.service ?? '*'}`,
    ...tier.steps.map((step) => `${step.host}/${step.name}/${'id' in step ? step.id : ''}`),
  ]);
}

describe('groupByTier', () => {
  it('puts removals outside the order first, then the tiers from last to first', () => {
    expect(shape('remove')).toEqual([
      ['remove null *', 'h1/bare1/bare1-id', 'h1/old1/old1-id'],
      ['remove 2 webui', 'h2/web1/web1-id'],
      ['remove 0 dns', 'h1/dns1/a', 'h1/dns1/b', 'h1/dns2/dns2-id', 'h2/dns1/dns1-id'],
    ]);
  });

  it('puts deploys in tier order, outside the order last', () => {
    expect(shape('deploy').map(([title]) => title)).toEqual([
      'deploy 0 dns',
      'deploy 2 webui',
      'deploy null *',
    ]);
  });

  it('returns no groups for no steps', () => {
    expect(groupByTier('deploy', [], order)).toEqual([]);
  });
});
