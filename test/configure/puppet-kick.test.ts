import { describe, expect, it } from 'vitest';

import { PREFIX, testContainers } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import {
  clusterSize,
  clusterUuid,
  execRun,
  galeraEnvironment,
  healthOf,
  removeByHand,
  sql,
} from './configure-testbed.js';
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

  /** Both members in one cluster of two, the same cluster state, and the row on each. */
  async function oneClusterWithTheRow(why: string, uuid: string): Promise<void> {
    for (const member of ['gal1', 'gal2']) {
      await waitFor(
        `${why}: ${member} in the cluster of two, with the row`,
        async () => {
          if ((await clusterSize(member)) !== 2) return undefined;
          if ((await clusterUuid(member)) !== uuid) return undefined;
          const row = await sql(member, 'SELECT v FROM kept.t WHERE k = 1').catch(() => '');
          return row === 'before' ? true : undefined;
        },
        600_000,
      );
    }
  }

  it('brings a removed gal1 back into the same cluster, with its data, and says so in the status', async () => {
    await sql('gal2', 'CREATE DATABASE IF NOT EXISTS kept');
    await sql('gal2', 'CREATE TABLE IF NOT EXISTS kept.t (k INT PRIMARY KEY, v TEXT)');
    await sql('gal2', "REPLACE INTO kept.t VALUES (1, 'before')");
    const uuid = await clusterUuid('gal2');
    await removeByHand(p('gal1'));
    // While gal1 is away and back, the status says the galera members are not ok.
    await waitFor(
      'gal1 shown as not ok',
      async () => {
        const states = (await daemon.status()).containers ?? [];
        const gal1 = states.find((c) => c.name === p('gal1'));
        return gal1 !== undefined && !gal1.ok ? true : undefined;
      },
      120_000,
    );
    await oneClusterWithTheRow('after gal1 came back', uuid);
    await waitFor(
      'both shown ok',
      async () => {
        const states = (await daemon.status()).containers ?? [];
        const galera = states.filter((c) => c.service === 'galera');
        return galera.length === 2 && galera.every((c) => c.ok) ? true : undefined;
      },
      120_000,
    );
  }, 900_000);

  it('brings both members back as one cluster with its data when both are removed at once', async () => {
    const uuid = await clusterUuid('gal2');
    await Promise.all([removeByHand(p('gal1')), removeByHand(p('gal2'))]);
    await oneClusterWithTheRow('after both came back', uuid);
  }, 900_000);

  it('keeps the CA of a puppet server that is removed and repaired: every agent runs against it', async () => {
    await removeByHand(p('puppet1'));
    await waitFor(
      'puppet1 back and healthy',
      async () => ((await healthOf(p('puppet1'))) === 'healthy' ? true : undefined),
      600_000,
    );
    for (const member of ['gal1', 'gal2']) {
      const run = await execRun(member, ['puppet', 'agent', '--test', '--color=false']);
      expect([0, 2], `${member}'s agent run:\n${run.output}`).toContain(run.code);
    }
  }, 900_000);

  it('repairs a member whose volumes are gone with it: a new certificate, back in the cluster', async () => {
    const uuid = await clusterUuid('gal1');
    await removeByHand(p('gal2'), { volumes: true });
    await oneClusterWithTheRow('after gal2 came back without its data', uuid);
    const run = await execRun('gal2', ['puppet', 'agent', '--test', '--color=false']);
    expect([0, 2], run.output).toContain(run.code);
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
