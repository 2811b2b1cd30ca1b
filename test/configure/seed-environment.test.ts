import { afterAll, describe, expect, it } from 'vitest';

import { PUPPET_MODULES_DIR, readModuleFiles } from '../../src/render/puppet-modules.js';
import { PREFIX, testContainers } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import {
  execDetached,
  execText,
  REAL_APP_TAG,
  realEnvironment,
  sql,
  tagRealImage,
  type Placement,
} from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;
// The seed's file: the VIP, its name, the two dns containers' addresses.
const VIP = 'vip.endor.lab';
const VIP_ADDRESS = '10.0.0.254';
const DNS_SERVERS = ['10.0.0.1', '10.0.0.2'];
/** The tag the openstack members move to: the same image under another name. */
const NEXT_TAG = `${REAL_APP_TAG}-next`;
/** What every free string below tries to make, in whichever container runs it. */
const MARKER = '/tmp/dockstack-pwned';
/** Shell metacharacters and quotes that validation accepts, each trying to make MARKER. */
const HOSTILE = `'" \\ $(touch ${MARKER}) \`touch ${MARKER}\`;touch ${MARKER}|touch ${MARKER}&& touch ${MARKER} #%40 -x`;
const hostile = (what: string) => `${what}${HOSTILE}`;
// Its secrets, only in an encrypted secrets.sops.yaml, with values found nowhere else, each with
// shell metacharacters.
const SECRETS = {
  galera_password: hostile('gal-pw-from-sops-7f3a'),
  haproxy_password: hostile('ha-pw-from-sops-91c2'),
  keystone_admin_password: hostile('admin-pw-from-sops-4e8d'),
  keystone_admin_token: hostile('admin-token-from-sops-b05e'),
};
const ADMIN_PASSWORD = SECRETS.keystone_admin_password;
const ADMIN_USER = hostile('admin');

/** The other free strings of the seed's common, and a parameter, made hostile. */
const COMMON = {
  haproxy_user: hostile('user'),
  // Keystone takes project names of 64 characters at most.
  keystone_admin_tenant: `t'"\\ $(touch ${MARKER})\`touch ${MARKER}\``,
  keystone_admin_user: ADMIN_USER,
  parameters: { motd: hostile('motd') },
};

/** A note the env repo's own copy of contrail::config writes besides what dockstack's writes. */
const SITE_NOTE = '/etc/contrail/site-note.conf';

/**
 * The env repo's own Puppet modules (`puppet/modules`): dockstack's, with contrail::config also
 * writing SITE_NOTE. The puppet servers serve these, not dockstack's.
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

/**
 * The seed's ten services over the two engines, with the openstack and config members given
 * (conf1 alone unless said).
 */
const environment = (
  openstack: Placement[string],
  config: Placement[string] = { conf1: 'h2' },
  tags: Record<string, string> = {},
) =>
  realEnvironment(
    NAME,
    {
      dns: { dns1: 'local', dns2: 'h2' },
      puppet: { puppet1: 'local', puppet2: 'h2' },
      haproxy: { ha1: 'local', ha2: 'h2' },
      galera: { gal1: 'h2' },
      openstack,
      cassandra: { cas1: 'local' },
      config,
      collector: { col1: 'local' },
      control: { ctrl1: 'h2' },
      webui: { webui1: 'local' },
    },
    COMMON,
    tags,
  );

/** The containers with a Puppet agent (all but dns and puppet). */
const AGENTS = ['ha1', 'ha2', 'gal1', 'os1', 'cas1', 'conf1', 'col1', 'ctrl1', 'webui1'];

/** The Contrail stand-ins (and cassandra's, beside ZooKeeper): role and port. */
const STAND_INS = [
  ['cas1', 'database', 8103],
  ['conf1', 'config', 8082],
  ['col1', 'collector', 8081],
  ['ctrl1', 'control', 8083],
  ['webui1', 'webui', 8080],
] as const;

/** Keystone's password authentication of the file's admin. */
const PASSWORD_AUTH = JSON.stringify({
  auth: {
    identity: {
      methods: ['password'],
      password: { user: { name: ADMIN_USER, domain: { id: 'default' }, password: ADMIN_PASSWORD } },
    },
  },
});

/** A token one Keystone member (`os`, short name) issues, asked from `from`. */
async function tokenFrom(from: string, os: string): Promise<string> {
  const headers = await curl(
    from,
    '-D',
    '-',
    '-o',
    '/dev/null',
    '-H',
    'Content-Type: application/json',
    '-d',
    PASSWORD_AUTH,
    `http://${fqdn(os)}:5000/v3/auth/tokens`,
  );
  const token = /^x-subject-token:\s*(\S+)/im.exec(headers)?.[1];
  if (token === undefined)
    throw new Error(`${os} issued no token: ${headers.split('\n')[0] ?? ''}`);
  return token;
}

/** The HTTP status with which a Keystone member (`os`) validates `token`, asked from `from`. */
function validation(from: string, os: string, token: string): Promise<string> {
  return curl(
    from,
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-H',
    `X-Auth-Token: ${token}`,
    '-H',
    `X-Subject-Token: ${token}`,
    `http://${fqdn(os)}:5000/v3/auth/tokens`,
  );
}

interface StandInAnswer {
  role: string;
  stand_in: boolean;
  files: Record<string, string>;
}

const STATS = 'http://127.0.0.1:8404/stats;csv';

const curl = (container: string, ...args: string[]) =>
  execText(container, ['curl', '-s', '--max-time', '10', ...args]);

/** HAProxy's statistics, behind the file's haproxy_user and haproxy_password. */
const STATS_AUTH = `${COMMON.haproxy_user}:${SECRETS.haproxy_password}`;

/**
 * Sessions each Keystone server of `container`'s HAProxy took, by server name (its container's),
 * and its status.
 */
async function keystoneServers(container: string): Promise<Map<string, [string, number]>> {
  const csv = await curl(container, '-u', STATS_AUTH, STATS);
  const servers = new Map<string, [string, number]>();
  for (const line of csv.split('\n')) {
    const [proxy, server, , , , , , , stot, , , , , , , , , status] = line.split(',');
    if (proxy === 'keystone' && server !== 'FRONTEND' && server !== 'BACKEND') {
      servers.set(server ?? '', [status ?? '', Number(stot)]);
    }
  }
  return servers;
}

// The seed's environment, all ten services, with the real images over the two engines: dnsmasq
// in dns1 and dns2, two puppet servers, Keystone in os1 with its database in gal1's MariaDB
// (Galera) through HAProxy on the VIP held by keepalived, ZooKeeper and the Contrail stand-ins;
// every application configured by puppet1 from the repository's modules and the secrets of the
// encrypted secrets.sops.yaml beside the file, decrypted by the daemon with its age key.
describe("the seed's environment with the real images, configured by Puppet", () => {
  const daemon = useRealDaemon(() => environment({ os1: 'local' }), envRepoModules(), {
    secrets: SECRETS,
  });
  let untag = (): Promise<void> => Promise.resolve();
  afterAll(() => untag());

  it("runs every agent's first run with success", async () => {
    for (const short of AGENTS) {
      const code = await execText(short, ['cat', '/run/dockstack/puppet-first-run']);
      expect([short, code]).toEqual([short, expect.stringMatching(/^[02]$/)]);
    }
  }, 60_000);

  it('deploys shell metacharacters in every free string, and no command from them runs', async () => {
    const file = git(daemon.remote().bare, ['show', 'HEAD:environment.yaml']);
    expect(file).toContain('touch /tmp/dockstack-pwned');
    for (const short of ['dns1', 'dns2', 'puppet1', 'puppet2', ...AGENTS]) {
      const made = await execText(short, [
        'sh',
        '-c',
        `test -e ${MARKER} && echo made || echo absent`,
      ]);
      expect([short, made]).toEqual([short, 'absent']);
    }
    // The tenant reached the image's bootstrap file as one single-quoted shell word.
    const bootstrap = await execText('os1', ['cat', '/etc/dockstack/keystone/bootstrap']);
    const quoted = `'${COMMON.keystone_admin_tenant.replaceAll("'", "'\\''")}'`;
    expect(bootstrap.split('\n')).toContain(`ADMIN_PROJECT=${quoted}`);
  }, 60_000);

  it("answers the environment's names from both dns containers", async () => {
    const os1 = (await execText('os1', ['hostname', '-I'])).split(/\s+/)[0] ?? '';
    expect(os1).toMatch(/^10\.0\./);
    for (const server of DNS_SERVERS) {
      const answer = await execText('conf1', ['busybox', 'nslookup', fqdn('os1'), server]);
      expect([server, answer]).toEqual([server, expect.stringContaining(os1)]);
      const vip = await execText('conf1', ['busybox', 'nslookup', VIP, server]);
      expect([server, vip]).toEqual([server, expect.stringContaining(VIP_ADDRESS)]);
    }
  }, 60_000);

  it('serves the applied code from both puppet servers', async () => {
    for (const short of ['puppet1', 'puppet2']) {
      const status = await curl('conf1', '-k', `https://${fqdn(short)}:8140/status/v1/simple`);
      expect([short, status]).toEqual([short, 'running']);
      const sitePp = await execText(short, [
        'cat',
        '/etc/puppet/code/environments/production/manifests/site.pp',
      ]);
      expect(sitePp).toContain(`node '${fqdn('webui1')}'`);
    }
  }, 60_000);

  it('answers the version document and a token through the VIP, its data in gal1', async () => {
    // keepalived on ha1, the first haproxy member, holds the VIP.
    expect(await execText('ha1', ['hostname', '-I'])).toContain(VIP_ADDRESS);
    const version = await waitFor('Keystone through the VIP', async () => {
      const body = await curl('ha2', `http://${VIP}:5000/v3`).catch(() => '');
      return body.includes('"id": "v3') ? body : undefined;
    });
    expect(version).toContain('"status": "stable"');
    const status = await curl(
      'ha2',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Content-Type: application/json',
      '-d',
      PASSWORD_AUTH,
      `http://${VIP}:5000/v3/auth/tokens`,
    );
    expect(status).toBe('201');
    // ha1 holds the VIP: its HAProxy took those requests and sent them to os1.
    const [state, sessions] = (await keystoneServers('ha1')).get(p('os1')) ?? ['', 0];
    expect([state, sessions > 0]).toEqual(['UP', true]);
    // The statistics and their admin actions ask for the file's user and password.
    for (const auth of [[], ['-u', `${COMMON.haproxy_user}:wrong`]]) {
      const code = await curl('ha1', ...auth, '-o', '/dev/null', '-w', '%{http_code}', STATS);
      expect([auth.length, code]).toEqual([auth.length, '401']);
    }
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

  it('serves what the Contrail classes wrote, ZooKeeper on cas1 alone', async () => {
    for (const [short, role, port] of STAND_INS) {
      const answer = JSON.parse(
        await curl(short, `http://127.0.0.1:${String(port)}/`),
      ) as StandInAnswer;
      expect([short, answer.role, answer.stand_in]).toEqual([short, role, true]);
      const common = answer.files['/etc/contrail/dockstack.conf'] ?? '';
      for (const line of [
        `config_nodes=${fqdn('conf1')}`,
        `control_nodes=${fqdn('ctrl1')}`,
        `collector_nodes=${fqdn('col1')}`,
        `database_nodes=${fqdn('cas1')}`,
      ]) {
        expect([short, common]).toEqual([short, expect.stringContaining(line)]);
      }
    }
    // The Contrail API through HAProxy on the VIP, configured from the env repo's modules.
    const api = JSON.parse(await curl('webui1', `http://${VIP}:8082/`)) as StandInAnswer;
    expect(api.role).toBe('config');
    expect(api.files[SITE_NOTE]).toBe("from the env repo's modules\n");
    // ZooKeeper's ensemble, as contrail::database wrote it: cas1 alone.
    expect(await execText('cas1', ['cat', '/etc/zookeeper/servers.cfg'])).toBe(
      `server.1=${fqdn('cas1')}:2888:3888`,
    );
    const srvr = await execText('cas1', [
      'bash',
      '-c',
      'exec 3<>/dev/tcp/127.0.0.1/2181; echo srvr >&3; cat <&3',
    ]);
    expect(srvr).toContain('Mode: standalone');
  }, 60_000);

  it("adds os2 as a second Keystone member on ha1 and ha2; both serve and accept each other's tokens", async () => {
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
      expect([...servers.keys()].sort()).toEqual([p('os1'), p('os2')]);
    }
    // Both derive their keys from the same secret: each accepts the tokens the other issued.
    for (const [issuer, validator] of [
      ['os1', 'os2'],
      ['os2', 'os1'],
    ] as const) {
      const token = await tokenFrom('ha2', issuer);
      expect([issuer, validator, await validation('ha2', validator, token)]).toEqual([
        issuer,
        validator,
        '200',
      ]);
    }
  }, 1_100_000);

  it('adds conf2 to the balancers by kicking ha1 and ha2, which reload HAProxy without restarting', async () => {
    const master = await execText('ha1', ['cat', '/run/dockstack/haproxy.pid']);
    const added = daemon.push(
      environment({ os1: 'local', os2: 'h2' }, { conf1: 'h2', conf2: 'local' }),
      'Add conf2',
    );
    const bot = await daemon.botCommitFor(added, 600_000);
    const message = git(daemon.remote().bare, ['log', '-1', '--format=%B', bot]);
    for (const [short, host] of [
      ['ha1', 'local'],
      ['ha2', 'h2'],
    ] as const) {
      expect(message).toContain(
        `  ${p(short)} on ${host}: changes applied (members of config changed: + ${fqdn('conf2')})`,
      );
    }
    // conf1's common class lists its peers.
    expect(message).toMatch(new RegExp(`  ${p('conf1')} on h2: changes applied`));
    expect(daemon.trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(await execText('ha1', ['grep', '-c', ':8082 check', '/etc/haproxy/haproxy.cfg'])).toBe(
      '2',
    );
    const both = await waitFor(
      'both config members answering through ha1',
      async () => {
        const found = new Set<string>();
        for (let i = 0; i < 6; i++) {
          const body = await curl('ha1', 'http://127.0.0.1:8082/').catch(() => '');
          const host = /"host":\s*"([^"]+)"/.exec(body)?.[1];
          if (host !== undefined) found.add(host);
        }
        return found.size === 2 ? found : undefined;
      },
      60_000,
    );
    expect([...both].sort()).toEqual([p('conf1'), p('conf2')]);
    // Reloaded, not restarted: the same master process.
    expect(await execText('ha1', ['cat', '/run/dockstack/haproxy.pid'])).toBe(master);
  }, 700_000);

  it('moves os1 and os2 to a new tag one at a time, each drained in HAProxy: every token asked through the VIP meanwhile is issued', async () => {
    untag = await tagRealImage('openstack', NEXT_TAG);
    await execText('ha2', [
      'bash',
      '-c',
      'printf %s "$1" > /tmp/auth.json && rm -f /tmp/codes /tmp/stop /tmp/stopped',
      '_',
      PASSWORD_AUTH,
    ]);
    // A token through the VIP every 0.2 s until told to stop: one HTTP status a line.
    await execDetached('ha2', [
      'bash',
      '-c',
      `while [ ! -e /tmp/stop ]; do curl -s -o /dev/null -w '%{http_code}\\n' --max-time 10 ` +
        `-H 'Content-Type: application/json' -d @/tmp/auth.json http://${VIP}:5000/v3/auth/tokens ` +
        '>> /tmp/codes; sleep 0.2; done; touch /tmp/stopped',
    ]);
    let bot: string;
    try {
      const moved = daemon.push(
        environment(
          { os1: 'local', os2: 'h2' },
          { conf1: 'h2', conf2: 'local' },
          {
            openstack: NEXT_TAG,
          },
        ),
        'Move openstack to a new tag',
      );
      bot = await daemon.botCommitFor(moved, 900_000);
    } finally {
      await execText('ha2', ['touch', '/tmp/stop']);
    }
    await waitFor('the token loop to stop', async () =>
      (await execText('ha2', ['sh', '-c', 'test -e /tmp/stopped && echo yes'])) === 'yes'
        ? true
        : undefined,
    );
    expect(daemon.trailer(bot, 'Dockstack-Result')).toBe('converged');
    const os = (await testContainers()).filter((c) => [p('os1'), p('os2')].includes(c.name));
    expect(os.map((c) => `${c.name} ${c.image}`).sort()).toEqual([
      `${p('os1')} openstack:${NEXT_TAG}`,
      `${p('os2')} openstack:${NEXT_TAG}`,
    ]);
    const codes = (await execText('ha2', ['cat', '/tmp/codes'])).split('\n');
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => code !== '201')).toEqual([]);
    // Each member was taken out of both balancers before its stop, and back once ready.
    const logs = daemon.logs().join('\n');
    for (const short of ['os1', 'os2']) {
      for (const said of ['container drained', 'container back in rotation']) {
        expect([short, said, logs]).toEqual([
          short,
          said,
          expect.stringMatching(new RegExp(`"container":"${p(short)}".*"msg":"${said}"`)),
        ]);
      }
    }
  }, 1_000_000);

  it('keeps the plain secrets out of the repo, /api/status, the dashboard and the log', async () => {
    const bare = daemon.remote().bare;
    const everything = git(bare, ['log', '--all', '-p', '--format=%B']);
    const status = await (await fetch(`${daemon.base()}/api/status`)).text();
    const dashboard = await (await fetch(`${daemon.base()}/`)).text();
    const logs = daemon.logs().join('\n');
    expect(everything).toContain('secrets.sops.yaml');
    expect(status.length).toBeGreaterThan(100);
    expect(logs.length).toBeGreaterThan(100);
    for (const [key, value] of Object.entries(SECRETS)) {
      for (const [where, text] of Object.entries({ everything, status, dashboard, logs })) {
        expect([key, where, text.includes(value)]).toEqual([key, where, false]);
      }
    }
  }, 60_000);
});
