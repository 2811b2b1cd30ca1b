import { describe, expect, it } from 'vitest';

import { PREFIX, removeTestContainers } from '../apply/apply-env.js';
import { startDaemon, waitFor, type DaemonProcess } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { assertNetworkImages, removeTestNetworks } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { assertAppImages, execText, realEnvironment } from './configure-testbed.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
}

/** Who answers the Contrail API through ha1's HAProxy: the stand-ins say their host name. */
async function answeredBy(times: number): Promise<Set<string>> {
  const hosts = new Set<string>();
  for (let i = 0; i < times; i++) {
    const body = await execText('ha1', [
      'curl',
      '-sf',
      '--max-time',
      '5',
      'http://127.0.0.1:8082/',
    ]);
    const host = /"host":\s*"([^"]+)"/.exec(body)?.[1];
    if (host !== undefined) hosts.add(host);
  }
  return hosts;
}

// A real puppet server configures a real HAProxy in front of the Contrail config API (the
// image's stand-in of it): a commit that adds a config container puts it into HAProxy's
// balancer by a kick of ha1, and HAProxy reloads without restarting.
describe('HAProxy balancer members from the configure stage', () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = async (): Promise<Status> =>
    (await fetch(`${daemon?.base ?? ''}/api/status`)).json() as Promise<Status>;
  const trailer = (sha: string, key: string) =>
    git(remote.bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();
  const environment = (config: Record<string, 'local' | 'h2'>) =>
    realEnvironment(NAME, { haproxy: { ha1: 'local' }, config });

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await assertAppImages();
      await removeTestContainers();
      await removeTestNetworks();
      remote = createRemote(root.path, { 'environment.yaml': environment({ conf1: 'h2' }) });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '1',
        '--ready-timeout',
        '600',
      ]);
      await waitFor(
        'puppet1, ha1 and conf1 applied',
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

  it('balances to conf1 as its first agent run configured it', async () => {
    const hosts = await waitFor('conf1 answering through ha1', async () => {
      const found = await answeredBy(1);
      return found.size > 0 ? found : undefined;
    });
    expect([...hosts]).toEqual([p('conf1')]);
  }, 60_000);

  it('adds conf2 to the balancer by kicking ha1, which reloads HAProxy', async () => {
    const master = await execText('ha1', ['cat', '/run/dockstack/haproxy.pid']);
    const added = remote.push(
      { 'environment.yaml': environment({ conf1: 'h2', conf2: 'local' }) },
      'Add conf2',
    );
    const bot = await waitFor(
      "the bot's commit that applies the change",
      () => (trailer(remote.head(), 'Dockstack-Applied') === added ? remote.head() : undefined),
      600_000,
    );
    const message = git(remote.bare, ['log', '-1', '--format=%B', bot]);
    // ha1 balances the config members; conf1's common class lists its peers.
    expect(message).toContain(
      `  ${p('ha1')} on local: changes applied (members of config changed: + ${p('conf2')}.endor.lab)`,
    );
    expect(message).toMatch(new RegExp(`  ${p('conf1')} on h2: changes applied`));
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('2');
    expect(await execText('ha1', ['grep', '-c', 'server config', '/etc/haproxy/haproxy.cfg'])).toBe(
      '2',
    );
    const both = await waitFor(
      'both config members answering through ha1',
      async () => {
        const found = await answeredBy(6);
        return found.size === 2 ? found : undefined;
      },
      60_000,
    );
    expect([...both].sort()).toEqual([p('conf1'), p('conf2')]);
    // Reloaded, not restarted: the same master process.
    expect(await execText('ha1', ['cat', '/run/dockstack/haproxy.pid'])).toBe(master);
  }, 700_000);
});
