import { describe, expect, it } from 'vitest';

import { PREFIX, removeTestContainers, testContainers } from '../apply/apply-env.js';
import { startDaemon, waitFor, type DaemonProcess } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { assertNetworkImages, removeTestNetworks } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { assertAppImages, clusterSize, galeraEnvironment } from './configure-testbed.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
  lastConfigured: {
    commit: string;
    kicked: { name: string; outcome: string; reasons: string[] }[];
  } | null;
}

// A real puppet server configures real MariaDB Galera members: the first agent run of each
// member at its start, then kicks of the members whose inputs changed.
describe('the configure stage, with a puppet server and Galera', () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = async (): Promise<Status> =>
    (await fetch(`${daemon?.base ?? ''}/api/status`)).json() as Promise<Status>;
  const trailer = (sha: string, key: string) =>
    git(remote.bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();
  /** The bot's commit that applied `commit`, once there is one. */
  const botCommitFor = (commit: string, ms: number) =>
    waitFor(
      `the bot's commit that applies ${commit.slice(0, 12)}`,
      () => {
        const head = remote.head();
        return trailer(head, 'Dockstack-Applied') === commit ? head : undefined;
      },
      ms,
    );

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await assertAppImages();
      await removeTestContainers();
      await removeTestNetworks();
      remote = createRemote(root.path, {
        'environment.yaml': galeraEnvironment(NAME, { gal1: 'local' }),
      });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '1',
        // The puppet server takes one to three minutes to answer on a busy machine.
        '--ready-timeout',
        '600',
      ]);
      await waitFor(
        'puppet1 and gal1 applied',
        async () => ((await status()).lastApplied?.converged === true ? true : undefined),
        900_000,
      );
    },
    setupTimeoutMs: 960_000,
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        await removeTestNetworks();
      } finally {
        root.remove();
      }
    },
  });

  it('configures gal1 by its first agent run: a cluster of one', async () => {
    expect(await clusterSize('gal1')).toBe(1);
    const bot = remote.head();
    // Nothing was running before: no agent needed a kick.
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('');
    expect(trailer(bot, 'Dockstack-Configured')).toBe(trailer(bot, 'Dockstack-Applied'));
  }, 60_000);

  it('grows the cluster when gal2 is added, kicking only gal1', async () => {
    const added = remote.push(
      { 'environment.yaml': galeraEnvironment(NAME, { gal1: 'local', gal2: 'h2' }) },
      'Add gal2',
    );
    const bot = await botCommitFor(added, 600_000);
    const message = git(remote.bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toContain(`create: ${p('gal2')} on h2`);
    expect(message).toMatch(
      new RegExp(
        `Puppet agents kicked \\(puppet agent --test\\):\\n  ${p('gal1')} on local: (no changes|changes applied) \\(members of galera changed: \\+ ${fqdn('gal2')}\\)`,
      ),
    );
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(trailer(bot, 'Dockstack-Configured')).toBe(added);
    const configured = (await status()).lastConfigured;
    expect(configured?.commit).toBe(added);
    expect(configured?.kicked.map((k) => k.name)).toEqual([p('gal1')]);
    const metrics = await (await fetch(`${daemon?.base ?? ''}/metrics`)).text();
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
    const removed = remote.push(
      { 'environment.yaml': galeraEnvironment(NAME, { gal1: 'local' }) },
      'Remove gal2',
    );
    const bot = await botCommitFor(removed, 300_000);
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(git(remote.bare, ['log', '-1', '--format=%B', bot])).toContain(
      `members of galera changed: − ${fqdn('gal2')}`,
    );
    expect((await testContainers()).map((c) => c.name)).not.toContain(p('gal2'));
    await waitFor(
      'a cluster of one again',
      async () => ((await clusterSize('gal1')) === 1 ? true : undefined),
      60_000,
    );
  }, 400_000);
});
