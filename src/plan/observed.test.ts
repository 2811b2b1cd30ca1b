import { describe, expect, it } from 'vitest';

import type { ObservedContainer } from '../hosts/observed-container.js';
import { asSeenBy, isManaged, managedName, serviceOf, specHashOf } from './observed.js';

function container(labels: Record<string, string>): ObservedContainer {
  return { host: '192.168.99.2', name: 'dns1', id: 'a1b2c3', running: true, labels };
}

const managed = container({
  'org.dockstack.managed': 'true',
  'org.dockstack.service': 'dns',
  'org.dockstack.container': 'dns1',
  'org.dockstack.spec-hash': '0123456789abcdef',
});

describe('isManaged', () => {
  it.each([
    { labels: managed.labels, expected: true },
    { labels: { 'org.dockstack.managed': 'true' }, expected: true },
    { labels: { 'org.dockstack.managed': 'false' }, expected: false },
    { labels: { 'org.dockstack.managed': 'TRUE' }, expected: false },
    {
      labels: { 'org.dockstack.service': 'dns', 'org.dockstack.container': 'dns1' },
      expected: false,
    },
    { labels: {}, expected: false },
  ])('is $expected for $labels', ({ labels, expected }) => {
    expect(isManaged(container(labels))).toBe(expected);
  });
});

describe('managedName', () => {
  it('reads the container label', () => {
    expect(managedName({ ...managed, name: 'dns1-old' })).toBe('dns1');
  });

  it("falls back to Docker's name when the label is missing", () => {
    expect(managedName(container({ 'org.dockstack.managed': 'true' }))).toBe('dns1');
  });
});

describe('serviceOf and specHashOf', () => {
  it('read the labels', () => {
    expect(serviceOf(managed)).toBe('dns');
    expect(specHashOf(managed)).toBe('0123456789abcdef');
  });

  it('are undefined when the labels are missing', () => {
    const bare = container({ 'org.dockstack.managed': 'true' });
    expect(serviceOf(bare)).toBeUndefined();
    expect(specHashOf(bare)).toBeUndefined();
  });
});

describe('asSeenBy', () => {
  const mine = {
    host: 'h',
    name: 'a',
    id: '1',
    running: true,
    labels: {
      'org.dockstack.managed': 'true',
      'org.dockstack.environment': 'prod',
      'org.dockstack.container': 'a',
      other: 'x',
    },
  };
  const theirs = {
    ...mine,
    name: 'b',
    id: '2',
    labels: { ...mine.labels, 'org.dockstack.environment': 'lab', 'org.dockstack.container': 'b' },
  };
  const foreign = { host: 'h', name: 'c', id: '3', running: false, labels: { owner: 'someone' } };

  it("keeps this environment's containers and foreign ones as they are", () => {
    const [a, , c] = asSeenBy('prod', [mine, theirs, foreign]);
    expect(a).toBe(mine);
    expect(c).toBe(foreign);
  });

  it("makes another environment's containers foreign, keeping their other labels", () => {
    const [, b] = asSeenBy('prod', [mine, theirs, foreign]);
    expect(b).toEqual({ ...theirs, labels: { other: 'x' } });
    expect(isManaged(b!)).toBe(false);
  });
});
