import { describe, expect, it } from 'vitest';

import { formatRefreshed, groupRefreshed } from './format-refreshed.js';

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

  it('prints one line per group under a heading, and nothing when none is refreshed', () => {
    expect(formatRefreshed(refreshed)).toBe(
      'Puppet agents kicked after the apply (puppet agent --test):\n' +
        `  ha1, ha2: ${why}\n` +
        `  os1: ${why}; common.vip changed\n`,
    );
    expect(formatRefreshed([])).toBe('');
  });
});
