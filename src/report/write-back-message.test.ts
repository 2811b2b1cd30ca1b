import { describe, expect, it } from 'vitest';

import type { Reconciliation } from '../apply/reconciliation.js';
import type { Configured } from '../configure/configured.js';
import { writeBackMessage } from './write-back-message.js';

const SHA = 'a'.repeat(40);
const reconciliation: Reconciliation = {
  plan: { hostSteps: [], tiers: [] },
  result: { converged: true, steps: [], durationMs: 10 },
  unreachable: [],
  held: [],
};
const why = ['members of galera changed: + gal2.endor.lab'];

describe('writeBackMessage', () => {
  it('names the configured commit, the agents kicked and how each run ended', () => {
    const configured: Configured = {
      uploaded: [{ host: 'h1', name: 'puppet1', id: 'x', outcome: 'uploaded' }],
      refreshed: [
        { name: 'gal1', reasons: why },
        { name: 'ha1', reasons: why },
        { name: 'webui1', reasons: why },
      ],
      kicked: [
        {
          name: 'gal1',
          host: 'h1',
          reasons: why,
          outcome: 'unchanged',
          exitCode: 0,
          durationMs: 9,
        },
        {
          name: 'ha1',
          host: 'h2',
          reasons: why,
          outcome: 'failed',
          exitCode: 1,
          error: 'puppet agent exited 1: Error: boom',
          durationMs: 9,
        },
      ],
      notKicked: [{ name: 'webui1', why: 'no agent' }],
    };
    const { message, trailers } = writeBackMessage({
      appliedCommit: SHA,
      reconciliation,
      registered: {},
      configured,
    });
    expect(trailers).toMatchObject({
      'Dockstack-Configured': SHA,
      'Dockstack-Refreshed': '3',
      'Dockstack-Kicked': '2',
      'Dockstack-Kick-Failed': 'ha1',
    });
    expect(message).toContain(
      'Configuration changed, not kicked (stopped, or no Puppet agent in the image):\n' +
        '  webui1: members of galera changed: + gal2.endor.lab\n\n' +
        'Puppet agents kicked (puppet agent --test):\n' +
        '  gal1 on h1: no changes (members of galera changed: + gal2.endor.lab)\n' +
        '  ha1 on h2: FAILED: puppet agent exited 1: Error: boom (members of galera changed: + gal2.endor.lab)\n',
    );
  });

  it('says nothing of configuration when the stage did not run, only the commit when it kicked none', () => {
    const none = writeBackMessage({ appliedCommit: SHA, reconciliation, registered: {} });
    expect(Object.keys(none.trailers)).toEqual([
      'Dockstack-Applied',
      'Dockstack-Result',
      'Dockstack-Steps',
    ]);
    const quiet = writeBackMessage({
      appliedCommit: SHA,
      reconciliation,
      registered: {},
      configured: { uploaded: [], refreshed: [], kicked: [], notKicked: [] },
    });
    expect(quiet.trailers['Dockstack-Configured']).toBe(SHA);
    expect(quiet.trailers['Dockstack-Kicked']).toBeUndefined();
    expect(quiet.message).not.toContain('Puppet');
  });
});
