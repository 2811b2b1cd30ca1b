import { readFileSync } from 'node:fs';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { Environment } from '../environment/schema.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { labelsFor } from './labels.js';
import { specHash } from './spec-hash.js';

const seed = Environment.parse(
  parse(
    readFileSync(new URL('../../test/fixtures/seed-environment.yaml', import.meta.url), 'utf8'),
  ),
);

describe('LABELS', () => {
  it('uses the org.dockstack namespace', () => {
    expect(LABELS).toEqual({
      managed: 'org.dockstack.managed',
      environment: 'org.dockstack.environment',
      service: 'org.dockstack.service',
      container: 'org.dockstack.container',
      specHash: 'org.dockstack.spec-hash',
      path: 'org.dockstack.path',
    });
  });
});

describe('labelsFor', () => {
  it.each(containerSpecs(seed).map((spec) => ({ name: spec.name, spec })))(
    'marks $name as managed, with its environment, service, name and spec hash',
    ({ spec }) => {
      expect(labelsFor(spec)).toEqual({
        'org.dockstack.managed': 'true',
        'org.dockstack.environment': 'default',
        'org.dockstack.service': spec.service,
        'org.dockstack.container': spec.name,
        'org.dockstack.spec-hash': specHash(spec),
      });
    },
  );
});
