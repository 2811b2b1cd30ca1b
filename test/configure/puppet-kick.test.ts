import { describe, expect, it } from 'vitest';

import { PREFIX, testContainers } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import { clusterSize, galeraEnvironment } from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;

// A real puppet server configures real MariaDB Galera members: the first agent run of each
// member at its start, then kicks of the members whose inputs changed.
describe('the configure stage, with a puppet server and Galera', () => {
  const daemon = useRealDaemon(() => galeraEnvironment(NAME, { gal1: 'local' }));
  const message = (sha: string) => git(daemon.remote().bare, ['log', '-1', '--format=%B', sha]);

  it('configures gal1 by its first agent run: a cluster of one', async () => {
    expect(await clusterSize('gal1')).toBe(1);
    const bot = daemon.remote().head();
    // Nothing was running before: no agent needed a kick.
    expect(daemon.trailer(bot, 'Dockstack-Kicked')).toBe('');
    expect(daemon.trailer(bot, 'Dockstack-Configured')).toBe(
      daemon.trailer(bot, 'Dockstack-Applied'),
    );
  }, 60_000);

  it('grows the cluster when gal2 is added, kicking only gal1', async () => {
    const added = daemon.push(galeraEnvironment(NAME, { gal1: 'local', gal2: 'h2' }), 'Add gal2');
    const bot = await daemon.botCommitFor(added, 600_000);
    expect(message(bot)).toContain(`create: ${p('gal2')} on h2`);
    expect(message(bot)).toMatch(
      new RegExp(
        `Puppet agents kicked \\(puppet agent --test\\):\\n  ${p('gal1')} on local: (no changes|changes applied) \\(members of galera changed: \\+ ${fqdn('gal2')}\\)`,
      ),
    );
    expect(daemon.trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(daemon.trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(daemon.trailer(bot, 'Dockstack-Configured')).toBe(added);
    const configured = (await daemon.status()).lastConfigured;
    expect(configured?.commit).toBe(added);
    expect(configured?.kicked.map((k) => k.name)).toEqual([p('gal1')]);
    const metrics = await (await fetch(`${daemon.base()}/metrics`)).text();
    expect(metrics).toMatch(/^dockstack_kicks_total\{outcome="(changed|unchanged)"\} 1$/m);
    for (const member of ['gal1', 'gal2']) {
      await waitFor(
        `a cluster of two as ${member} sees it`,
        async () => ((await clusterSize(member)) === 2 ? true : undefined),
        180_000,
      );
    }
  }, 900_000);

  it('shrinks the cluster when gal2 is removed', async () => {
    const removed = daemon.push(galeraEnvironment(NAME, { gal1: 'local' }), 'Remove gal2');
    const bot = await daemon.botCommitFor(removed, 300_000);
    expect(daemon.trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(message(bot)).toContain(`members of galera changed: − ${fqdn('gal2')}`);
    expect((await testContainers()).map((c) => c.name)).not.toContain(p('gal2'));
    await waitFor(
      'a cluster of one again',
      async () => ((await clusterSize('gal1')) === 1 ? true : undefined),
      60_000,
    );
  }, 400_000);
});
