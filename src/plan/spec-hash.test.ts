import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import { Environment } from '../environment/schema.js';
import { canonicalJson } from './canonical-json.js';
import { RECREATE_FIELDS, SPEC_HASH_LENGTH, specHash } from './spec-hash.js';

const seed = Environment.parse(
  parse(
    readFileSync(new URL('../../test/fixtures/seed-environment.yaml', import.meta.url), 'utf8'),
  ),
);

function spec(name: string): ContainerSpec {
  const found = containerSpecs(seed).find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${name} in the seed`);
  return found;
}

const dns1 = spec('dns1');
const webui1 = spec('webui1');

describe('specHash', () => {
  it('is a truncated sha256 in lowercase hex', () => {
    expect(specHash(dns1)).toMatch(new RegExp(`^[0-9a-f]{${SPEC_HASH_LENGTH}}$`));
  });

  it('stays the same across releases: containers already labelled with it are not recreated', () => {
    expect(specHash(dns1)).toBe('cf677165ea9e8a47');
    expect(specHash(webui1)).toBe(specHash({ ...webui1 }));
  });

  it('is the sha256 of the canonical JSON of the defined recreate fields only', () => {
    const json = canonicalJson({
      dns: '10.0.0.1',
      domain: 'endor.lab',
      env: { DOCKSTACK_DOMAIN: 'endor.lab', DOCKSTACK_PUPPET_SERVER: 'puppet1' },
      hostname: 'webui1',
      image: 'webui:latest',
      service: 'webui',
    });
    const sha = createHash('sha256').update(json).digest('hex');
    expect(specHash(webui1)).toBe(sha.slice(0, SPEC_HASH_LENGTH));
  });

  it('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(dns1).reverse()) as unknown as ContainerSpec;
    expect(Object.keys(reversed)).not.toEqual(Object.keys(dns1));
    expect(specHash(reversed)).toBe(specHash(dns1));
  });

  it('treats an optional field set to undefined as absent', () => {
    const explicit = { ...webui1, macAddress: undefined } as unknown as ContainerSpec;
    expect(specHash(explicit)).toBe(specHash(webui1));
  });

  it('ignores fields it does not cover, so new ones leave existing hashes alone', () => {
    const extended = { ...webui1, healthcheck: 'curl localhost' } as ContainerSpec;
    expect(specHash(extended)).toBe(specHash(webui1));
  });

  it.each([
    { field: 'name', value: 'other' },
    { field: 'host', value: '192.168.99.3' },
    { field: 'tier', value: 7 },
    { field: 'state', value: 'stopped' },
  ] as const)('ignores $field, which never needs a recreate', ({ field, value }) => {
    expect(specHash({ ...dns1, [field]: value })).toBe(specHash(dns1));
  });

  it.each([
    { field: 'image', value: 'dns:2.1' },
    { field: 'service', value: 'puppet' },
    { field: 'hostname', value: 'dns9' },
    { field: 'domain', value: 'hoth.lab' },
    { field: 'dns', value: '10.0.0.2' },
    { field: 'ipaddress', value: '10.0.0.9/16' },
    { field: 'gateway', value: '10.0.0.101' },
    { field: 'macAddress', value: 'de:ad:be:ef:ba:99' },
  ] as const)('changes with $field', ({ field, value }) => {
    expect(specHash({ ...dns1, [field]: value })).not.toBe(specHash(dns1));
  });

  it('changes when an optional field is added or removed', () => {
    expect(specHash({ ...webui1, macAddress: 'de:ad:be:ef:ba:99' })).not.toBe(specHash(webui1));
    const withoutAddress = { ...dns1 };
    delete withoutAddress.ipaddress;
    expect(specHash(withoutAddress)).not.toBe(specHash(dns1));
  });
});

describe('RECREATE_FIELDS', () => {
  it('lists what the hash covers: image, service and the runtime settings', () => {
    expect(RECREATE_FIELDS).toEqual([
      'service',
      'image',
      'hostname',
      'domain',
      'dns',
      'ipaddress',
      'gateway',
      'macAddress',
      'network',
      'wiring',
      'env',
      'capAdd',
      'volumes',
    ]);
  });
});
