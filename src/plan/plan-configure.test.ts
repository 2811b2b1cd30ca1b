import { describe, expect, it } from 'vitest';

import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { AGENT_LABEL, labelsFor } from './labels.js';
import { withConfigureSteps } from './plan-configure.js';
import { planChanges } from './plan-changes.js';

const ORDER = ['haproxy', 'cassandra', 'webui'];

function spec(name: string, service: string, host = 'h1'): ContainerSpec {
  return {
    environment: 'default',
    name,
    service,
    host,
    tier: ORDER.indexOf(service),
    image: `${service}:latest`,
    hostname: name,
    domain: 'endor.lab',
    state: 'running',
  };
}

function running(s: ContainerSpec, extra: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    host: s.host,
    name: s.name,
    id: `id-${s.name}`,
    running: true,
    labels: { ...labelsFor(s), [AGENT_LABEL]: 'kick' },
    ...extra,
  };
}

describe('withConfigureSteps', () => {
  const zk = ['cas1', 'cas2', 'cas3'].map((n) => spec(n, 'cassandra'));
  const cas4 = spec('cas4', 'cassandra', 'h2');
  const ha1 = spec('ha1', 'haproxy');
  const webui1 = spec('webui1', 'webui');
  const specs = [ha1, ...zk, cas4, webui1];
  const observed = [ha1, ...zk, webui1].map((s) =>
    running(s, s === webui1 ? { labels: labelsFor(s) } : {}),
  );

  it("kicks the peers in their own service's tier, beside the new member, and the rest after every tier", () => {
    const base = planChanges(specs, observed, ORDER);
    const { plan, notKicked } = withConfigureSteps(
      base,
      [
        ...zk.map((s) => ({
          name: s.name,
          reasons: ['members of cassandra changed: + cas4'],
          peers: true as const,
        })),
        { name: 'ha1', reasons: ['members of cassandra changed: + cas4'] },
        { name: 'webui1', reasons: ['common.vip changed'] },
      ],
      specs,
      observed,
      ORDER,
    );
    expect(
      plan.tiers.map((t) => [t.phase, t.service, t.steps.map((s) => `${s.action} ${s.name}`)]),
    ).toEqual([
      [
        'deploy',
        'cassandra',
        ['configure cas1', 'configure cas2', 'configure cas3', 'create cas4'],
      ],
      ['configure', 'haproxy', ['configure ha1']],
    ]);
    const kick = plan.tiers[0]?.steps[0];
    expect(kick).toMatchObject({
      id: 'id-cas1',
      reasons: ['members of cassandra changed: + cas4'],
    });
    expect(notKicked).toEqual([{ name: 'webui1', why: 'no agent' }]);
  });

  it('kicks no stopped container, and plans the kick of one its host did not show (it fails, and is due again)', () => {
    const stopped = observed.map((c) => (c.name === 'cas1' ? { ...c, running: false } : c));
    const missing = stopped.filter((c) => c.name !== 'cas2');
    const { plan, notKicked } = withConfigureSteps(
      { hostSteps: [], tiers: [] },
      ['cas1', 'cas2'].map((name) => ({ name, reasons: ['its last kick failed'] })),
      specs,
      missing,
      ORDER,
    );
    expect(notKicked).toEqual([{ name: 'cas1', why: 'stopped' }]);
    const steps = plan.tiers.flatMap((t) => t.steps);
    expect(steps).toEqual([
      expect.objectContaining({
        action: 'configure',
        name: 'cas2',
        reason: 'its last kick failed',
      }),
    ]);
    expect(steps[0] !== undefined && 'id' in steps[0] && steps[0].id).toBe(false);
  });
});
