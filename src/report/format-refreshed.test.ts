import { describe, expect, it } from 'vitest';

import { formatNotKicked, groupRefreshed } from './format-refreshed.js';

describe('the refreshed containers as text', () => {
  const why = 'members of openstack changed: + os2.endor.lab';
  const refreshed = [
    { name: 'ha1', reasons: [why] },
    { name: 'os1', reasons: [why, 'common.vip changed'] },
    { name: 'ha2', reasons: [why] },
  ];

  it('groups the containers refreshed for the same reasons, in the order first seen', () => {
    expect(groupRefreshed(refreshed)).toEqual([
      [['ha1', 'ha2'], why],
      [['os1'], `${why}; common.vip changed`],
    ]);
  });

  it('prints the ones not kicked, one line per group under a heading, and nothing when all are', () => {
    expect(formatNotKicked(refreshed, new Set(['ha2']))).toBe(
      'Configuration changed, not kicked (stopped, or no Puppet agent in the image):\n' +
        `  ha1: ${why}\n` +
        `  os1: ${why}; common.vip changed\n`,
    );
    expect(formatNotKicked(refreshed, new Set(['ha1', 'ha2', 'os1']))).toBe('');
  });
});
