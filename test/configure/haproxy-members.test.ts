import { describe, expect, it } from 'vitest';

import { PUPPET_MODULES_DIR, readModuleFiles } from '../../src/render/puppet-modules.js';
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

/** A note the env repo's own copy of contrail::config writes besides what dockstack's writes. */
const SITE_NOTE = '/etc/contrail/site-note.conf';

/**
 * The env repo's own Puppet modules (`puppet/modules`): dockstack's, with contrail::config also
 * writing SITE_NOTE. The puppet server serves these, not dockstack's.
 */
function envRepoModules(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, text] of readModuleFiles(PUPPET_MODULES_DIR)) {
    files[`puppet/modules/${path}`] =
      path === 'contrail/manifests/config.pp'
        ? text.replace(
            /\n}\s*$/,
            `\n  file { '${SITE_NOTE}':\n    content => "from the env repo's modules\\n",\n  }\n}\n`,
          )
        : text;
  }
  return files;
}

// A real puppet server configures a real HAProxy in front of the Contrail config API (the
// image's stand-in of it), from the env repo's own modules: a commit that adds a config
// container puts it into HAProxy's balancer by a kick of ha1, and HAProxy reloads without
// restarting.
describe('HAProxy balancer members from the configure stage', () => {
  const daemon = useRealDaemon(() => environment({ conf1: 'h2' }), envRepoModules());

  it("balances to conf1 as its first agent run configured it, from the env repo's modules", async () => {
    const hosts = await waitFor('conf1 answering through ha1', async () => {
      const found = await answeredBy(1);
      return found.size > 0 ? found : undefined;
    });
    expect([...hosts]).toEqual([p('conf1')]);
    const served = JSON.parse(
      await execText('ha1', ['curl', '-sf', '--max-time', '5', 'http://127.0.0.1:8082/']),
    ) as { files: Record<string, string> };
    expect(served.files[SITE_NOTE]).toBe("from the env repo's modules\n");
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
