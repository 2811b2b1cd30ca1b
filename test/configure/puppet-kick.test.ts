import { afterAll, describe, expect, it } from 'vitest';

import { volumeName } from '../../src/environment/container-mounts.js';
import { PREFIX, testContainers } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import {
  clusterSize,
  clusterUuid,
  execRun,
  fileInVolume,
  galeraEnvironment,
  healthOf,
  REAL_APP_TAG,
  removeByHand,
  sql,
  tagRealImage,
} from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;
/** The tag the galera members move to: the same image under another name. */
const NEXT_TAG = `${REAL_APP_TAG}-next`;

/**
 * Where a member stands, as it says: `Primary Synced`, `Primary Donor/Desynced`, ...; '' while
 * nothing runs under its name or it does not answer.
 */
async function clusterState(member: string): Promise<string> {
  const answer = await sql(
    member,
    "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_status', 'wsrep_local_state_comment')",
  ).catch(() => '');
  const value = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(answer)?.[1] ?? '';
  return `${value('wsrep_cluster_status')} ${value('wsrep_local_state_comment')}`.trim();
}

// A real puppet server configures real MariaDB Galera members: the first agent run of each
// member at its start, then kicks of the members whose inputs changed.
describe('the configure stage, with a puppet server and Galera', () => {
  const daemon = useRealDaemon(() => galeraEnvironment(NAME, { gal1: 'local' }));
  const message = (sha: string) => git(daemon.remote().bare, ['log', '-1', '--format=%B', sha]);
  let galeraTag = REAL_APP_TAG;
  let untag = (): Promise<void> => Promise.resolve();
  afterAll(() => untag());

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

  it('moves both members to a new tag one at a time: one of them in the cluster throughout, the row kept', async () => {
    const uuid = await clusterUuid('gal1');
    const ids = async () =>
      (await testContainers())
        .filter((c) => [p('gal1'), p('gal2')].includes(c.name))
        .map((c) => `${c.name} ${c.image} ${c.id}`)
        .sort();
    const before = await ids();
    untag = await tagRealImage('galera', NEXT_TAG);
    galeraTag = NEXT_TAG;
    const moved = daemon.push(
      galeraEnvironment(NAME, { gal1: 'local', gal2: 'h2' }, galeraTag),
      'Move galera to a new tag',
    );
    // Both members asked at every look, until the bot's commit: which were in the primary
    // component (synced, or a donor to the other).
    const looks: string[] = [];
    const deadline = Date.now() + 900_000;
    while (daemon.trailer(daemon.remote().head(), 'Dockstack-Applied') !== moved) {
      if (Date.now() > deadline) throw new Error('no bot commit applying the new tag in 900 s');
      const states = await Promise.all(['gal1', 'gal2'].map(clusterState));
      looks.push(states.map((state) => state || 'away').join(' | '));
      // A look every quarter second or so: often enough to see a gap, light on two cores.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const bot = daemon.remote().head();
    expect(daemon.trailer(bot, 'Dockstack-Result'), message(bot)).toBe('converged');
    expect(looks.length).toBeGreaterThan(5);
    const inCluster = (look: string) => look.split(' | ').filter((s) => s.startsWith('Primary'));
    const fewest = Math.min(...looks.map((look) => inCluster(look).length));
    expect(fewest, looks.join('\n')).toBe(1);
    // New containers, on the new tag, the old ones gone (none left aside).
    const after = await ids();
    expect(after.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      `${p('gal1')} galera:${NEXT_TAG}`,
      `${p('gal2')} galera:${NEXT_TAG}`,
    ]);
    expect(after.map((line) => line.split(' ')[2])).not.toContain(before[0]?.split(' ')[2]);
    expect(after.map((line) => line.split(' ')[2])).not.toContain(before[1]?.split(' ')[2]);
    await oneClusterWithTheRow('after both moved to the new tag', uuid);
  }, 1_000_000);

  it('shrinks the cluster when gal2 is removed', async () => {
    const removed = daemon.push(
      galeraEnvironment(NAME, { gal1: 'local' }, galeraTag),
      'Remove gal2',
    );
    const bot = await daemon.botCommitFor(removed, 300_000);
    expect(daemon.trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(message(bot)).toContain(`members of galera changed: − ${fqdn('gal2')}`);
    expect((await testContainers()).map((c) => c.name)).not.toContain(p('gal2'));
    // gal2 shut down cleanly, leaving the cluster: MariaDB writes its position on a clean
    // shutdown, and leaves seqno -1 when it is killed.
    const grastate = await fileInVolume(
      'h2',
      volumeName(NAME, p('gal2'), '/var/lib/mysql'),
      'grastate.dat',
    );
    expect(grastate).toMatch(/^seqno:\s+\d+$/m);
    await waitFor(
      'a cluster of one again',
      async () => ((await clusterSize('gal1')) === 1 ? true : undefined),
      60_000,
    );
  }, 400_000);
});
