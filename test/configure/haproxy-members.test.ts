import { describe, expect, it } from 'vitest';

import { PREFIX } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import { execText, realEnvironment } from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;

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

const environment = (config: Record<string, 'local' | 'h2'>) =>
  realEnvironment(NAME, { haproxy: { ha1: 'local' }, config });

// A real puppet server configures a real HAProxy in front of the Contrail config API (the
// image's stand-in of it): a commit that adds a config container puts it into HAProxy's
// balancer by a kick of ha1, and HAProxy reloads without restarting.
describe('HAProxy balancer members from the configure stage', () => {
  const daemon = useRealDaemon(() => environment({ conf1: 'h2' }));

  it('balances to conf1 as its first agent run configured it', async () => {
    const hosts = await waitFor('conf1 answering through ha1', async () => {
      const found = await answeredBy(1);
      return found.size > 0 ? found : undefined;
    });
    expect([...hosts]).toEqual([p('conf1')]);
  }, 60_000);

  it('adds conf2 to the balancer by kicking ha1, which reloads HAProxy', async () => {
    const master = await execText('ha1', ['cat', '/run/dockstack/haproxy.pid']);
    const added = daemon.push(environment({ conf1: 'h2', conf2: 'local' }), 'Add conf2');
    const bot = await daemon.botCommitFor(added, 600_000);
    const message = git(daemon.remote().bare, ['log', '-1', '--format=%B', bot]);
    // ha1 balances the config members; conf1's common class lists its peers.
    expect(message).toContain(
      `  ${p('ha1')} on local: changes applied (members of config changed: + ${p('conf2')}.endor.lab)`,
    );
    expect(message).toMatch(new RegExp(`  ${p('conf1')} on h2: changes applied`));
    expect(daemon.trailer(bot, 'Dockstack-Kicked')).toBe('2');
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
