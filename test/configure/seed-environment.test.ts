import { describe, expect, it } from 'vitest';

import { PREFIX } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import { execText, realEnvironment, sql } from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
// The seed's file: the VIP's name and the admin's password.
const VIP = 'vip.endor.lab';
const ADMIN_PASSWORD = 'password';

const environment = (openstack: Record<string, 'local' | 'h2'>) =>
  realEnvironment(NAME, {
    haproxy: { ha1: 'local', ha2: 'h2' },
    galera: { gal1: 'h2' },
    openstack,
  });

const curl = (container: string, ...args: string[]) =>
  execText(container, ['curl', '-s', '--max-time', '10', ...args]);

/** Sessions each Keystone server of `container`'s HAProxy took, by server name, and its status. */
async function keystoneServers(container: string): Promise<Map<string, [string, number]>> {
  const csv = await curl(container, 'http://127.0.0.1:8404/stats;csv');
  const servers = new Map<string, [string, number]>();
  for (const line of csv.split('\n')) {
    const [proxy, server, , , , , , , stot, , , , , , , , , status] = line.split(',');
    if (proxy === 'keystone' && server !== 'FRONTEND' && server !== 'BACKEND') {
      servers.set(server ?? '', [status ?? '', Number(stot)]);
    }
  }
  return servers;
}

// The seed's identity service with the real images: Keystone in os1, its database in gal1's
// MariaDB (Galera) through HAProxy on the VIP, the VIP held by keepalived on ha1 or ha2, every
// piece configured by the puppet server from the repository's modules and the file's secrets.
describe('Keystone behind HAProxy and the VIP, configured by Puppet', () => {
  const daemon = useRealDaemon(() => environment({ os1: 'local' }));

  it("runs every agent's first run with success", async () => {
    for (const short of ['ha1', 'ha2', 'gal1', 'os1']) {
      const code = await execText(short, ['cat', '/run/dockstack/puppet-first-run']);
      expect([short, code]).toEqual([short, expect.stringMatching(/^[02]$/)]);
    }
  }, 60_000);

  it('answers the version document and a token through the VIP, its data in gal1', async () => {
    // keepalived on ha1, the first haproxy member, holds the VIP.
    expect(await execText('ha1', ['hostname', '-I'])).toContain('10.0.0.254');
    const version = await waitFor('Keystone through the VIP', async () => {
      const body = await curl('ha2', `http://${VIP}:5000/v3`).catch(() => '');
      return body.includes('"id": "v3') ? body : undefined;
    });
    expect(version).toContain('"status": "stable"');
    const auth = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD },
          },
        },
      },
    });
    const status = await curl(
      'ha2',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Content-Type: application/json',
      '-d',
      auth,
      `http://${VIP}:5000/v3/auth/tokens`,
    );
    expect(status).toBe('201');
    const tables = await sql(
      'gal1',
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystone'",
    );
    expect(Number(tables)).toBeGreaterThan(10);
    // The password reached the containers through Hiera, not through site.pp.
    const sitePp = git(daemon.remote().bare, ['show', 'HEAD:manifests/site.pp']);
    expect(sitePp).toContain(`node '${p('os1')}.endor.lab'`);
    expect(sitePp).not.toMatch(/_password|_token/);
  }, 120_000);

  it('adds os2 as a second Keystone member on ha1 and ha2, and both serve', async () => {
    const added = daemon.push(environment({ os1: 'local', os2: 'h2' }), 'Add os2');
    const bot = await daemon.botCommitFor(added, 900_000);
    const message = git(daemon.remote().bare, ['log', '-1', '--format=%B', bot]);
    for (const [short, host] of [
      ['ha1', 'local'],
      ['ha2', 'h2'],
    ]) {
      expect(message).toContain(
        `  ${p(short ?? '')} on ${host ?? ''}: changes applied (members of openstack changed: + ${p('os2')}.endor.lab)`,
      );
    }
    expect(daemon.trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    for (const short of ['ha1', 'ha2']) {
      const servers = await waitFor(
        `both Keystone members serving through ${short}`,
        async () => {
          for (let i = 0; i < 6; i++) await curl(short, 'http://127.0.0.1:5000/v3');
          const found = await keystoneServers(short);
          const serving = [...found.values()].filter(([up, sessions]) => up === 'UP' && sessions);
          return found.size === 2 && serving.length === 2 ? found : undefined;
        },
        120_000,
      );
      expect([...servers.keys()].sort()).toEqual(['os0', 'os1']);
    }
  }, 1_100_000);
});
