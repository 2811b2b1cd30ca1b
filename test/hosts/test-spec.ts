import { randomBytes } from 'node:crypto';

import type { ContainerSpec } from '../../src/environment/container-spec.js';
import { labelsFor } from '../../src/plan/labels.js';
import { SUITE_LABEL, TEST_LABEL } from '../testbed/docker-testbed.js';

/** Names of one suite's containers: `dsh-<suite>-<run>-<n>`, unique to this run. */
export function containerNames(suite: string): () => string {
  const run = randomBytes(3).toString('hex');
  let serial = 0;
  return () => `dsh-${suite}-${run}-${String(++serial)}`;
}

/** A container spec as the environment would give it, on the seed's dns service. */
export function testSpec(name: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    environment: 'default',
    name,
    service: 'dns',
    host: 'test',
    tier: 0,
    image: 'dns:latest',
    hostname: name,
    domain: 'endor.lab',
    dns: '10.0.0.1',
    state: 'running',
    ...overrides,
  };
}

/** dockstack's labels for `spec`, plus the test labels cleanup finds it by. */
export function testLabels(spec: ContainerSpec, suite: string): Record<string, string> {
  return { ...labelsFor(spec), [TEST_LABEL]: '1', [SUITE_LABEL]: suite };
}

/** A random locally administered unicast MAC address. */
export function randomMac(): string {
  const bytes = randomBytes(6);
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
