import { describe, expect, it } from 'vitest';

import { leaseTime, renderLeases, type Lease } from './render-leases.js';

const leases = new Map<string, Lease>([
  ['gal9', { mac: '02:00:00:00:00:09', ip: '10.0.0.9', left: '2026-12-06T10:00:00Z' }],
  ['gal1', { mac: '02:00:00:00:00:0A', ip: '10.0.0.5', left: '2026-12-06T10:00:00Z' }],
  ['ha1', { mac: '02:00:00:00:00:07', ip: '10.0.0.7', left: '2026-01-01T00:00:00Z' }],
]);

describe('renderLeases', () => {
  it('writes MAC,NAME,IP,LEFT lines under a header, oldest first, then by name', () => {
    const lines = renderLeases(leases).split('\n');
    expect(lines.filter((line) => !line.startsWith('#'))).toEqual([
      '02:00:00:00:00:07,ha1,10.0.0.7,2026-01-01T00:00:00Z',
      '02:00:00:00:00:0a,gal1,10.0.0.5,2026-12-06T10:00:00Z',
      '02:00:00:00:00:09,gal9,10.0.0.9,2026-12-06T10:00:00Z',
      '',
    ]);
    expect(lines[0]).toBe('# Rendered by dockstack: edits here are overwritten.');
  });

  it('writes only the header when no lease is kept', () => {
    expect(
      renderLeases(new Map())
        .split('\n')
        .every((l) => l === '' || l.startsWith('#')),
    ).toBe(true);
  });

  it.each<[string, Lease, string]>([
    ['name', { mac: '02:00:00:00:00:01', ip: '10.0.0.1', left: '2026-01-01T00:00:00Z' }, 'a,b'],
    ['mac', { mac: '02:00', ip: '10.0.0.1', left: '2026-01-01T00:00:00Z' }, 'a'],
    ['ip', { mac: '02:00:00:00:00:01', ip: '10.0.0.1\n', left: '2026-01-01T00:00:00Z' }, 'a'],
    ['left', { mac: '02:00:00:00:00:01', ip: '10.0.0.1', left: '2026-01-01 00:00' }, 'a'],
  ])('refuses a bad %s', (field, lease, name) => {
    expect(() => renderLeases(new Map([[name, lease]]))).toThrow(`bad ${field}`);
  });
});

describe('leaseTime', () => {
  it('writes a moment in UTC, to the second', () => {
    expect(leaseTime(Date.UTC(2026, 11, 6, 10, 0, 0, 999))).toBe('2026-12-06T10:00:00Z');
  });
});
