import { describe, expect, it } from 'vitest';

import { PREFIX } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git } from '../git/git-fixture.js';
import { execText, realEnvironment, type Placement } from './configure-testbed.js';
import { useRealDaemon } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;

const environment = (cassandra: Placement[string]) => realEnvironment(NAME, { cassandra });

/** What ZooKeeper in `short` says it is (`leader`, `follower`, `standalone`), or '' while it does not serve. */
async function mode(short: string): Promise<string> {
  const srvr = await execText(short, [
    'bash',
    '-c',
    'exec 3<>/dev/tcp/127.0.0.1/2181; echo srvr >&3; cat <&3',
  ]).catch(() => '');
  return /^Mode: (\w+)/m.exec(srvr)?.[1] ?? '';
}

/** The modes of `members` once each serves as part of an ensemble (one leader, the rest followers). */
function ensemble(members: readonly string[]): Promise<string[]> {
  return waitFor(
    `one ZooKeeper ensemble of ${members.join(', ')}`,
    async () => {
      const modes = await Promise.all(members.map(mode));
      const leaders = modes.filter((m) => m === 'leader').length;
      const followers = modes.filter((m) => m === 'follower').length;
      return leaders === 1 && followers === members.length - 1 ? modes : undefined;
    },
    180_000,
  );
}

// The cassandra image's ZooKeeper, configured by contrail::database from the members of the
// cassandra service: three members started together form one ensemble over the two engines, a
// fourth joins the running ensemble in the same pass, and removing two restarts the others
// (kicked) into an ensemble of two.
describe("ZooKeeper's ensemble from the cassandra members", () => {
  const daemon = useRealDaemon(() => environment({ cas1: 'local', cas2: 'h2', cas3: 'local' }));

  it('forms one ensemble of the three members, each knowing all three', async () => {
    const servers = ['cas1', 'cas2', 'cas3']
      .map((short, i) => `server.${String(i + 1)}=${fqdn(short)}:2888:3888`)
      .join('\n');
    for (const short of ['cas1', 'cas2', 'cas3']) {
      expect([short, await execText(short, ['cat', '/etc/zookeeper/servers.cfg'])]).toEqual([
        short,
        servers,
      ]);
    }
    expect((await ensemble(['cas1', 'cas2', 'cas3'])).sort()).toEqual([
      'follower',
      'follower',
      'leader',
    ]);
  }, 240_000);

  it('grows the running ensemble by a fourth member in the same pass: the three take it while it starts', async () => {
    const added = daemon.push(
      environment({ cas1: 'local', cas2: 'h2', cas3: 'local', cas4: 'h2' }),
      'Add cas4',
    );
    // Were the three kicked only after cas4's readiness wait, cas4 could not serve before it: the
    // wait would run out (600 s) and its step fail.
    const bot = await daemon.botCommitFor(added, 900_000);
    const message = git(daemon.remote().bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toContain(`create: ${p('cas4')} on h2`);
    expect(message).toContain('4 done, 0 failed, 0 hosts unreachable');
    expect(daemon.trailer(bot, 'Dockstack-Result')).toBe('converged');
    expect(daemon.trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    const servers = ['cas1', 'cas2', 'cas3', 'cas4']
      .map((short, i) => `server.${String(i + 1)}=${fqdn(short)}:2888:3888`)
      .join('\n');
    for (const short of ['cas1', 'cas2', 'cas3', 'cas4']) {
      expect([short, await execText(short, ['cat', '/etc/zookeeper/servers.cfg'])]).toEqual([
        short,
        servers,
      ]);
    }
    expect((await ensemble(['cas1', 'cas2', 'cas3', 'cas4'])).sort()).toEqual([
      'follower',
      'follower',
      'follower',
      'leader',
    ]);
  }, 960_000);

  it('restarts the remaining members into an ensemble of two when cas3 and cas4 are removed', async () => {
    const removed = daemon.push(environment({ cas1: 'local', cas2: 'h2' }), 'Remove cas3 and cas4');
    const bot = await daemon.botCommitFor(removed, 600_000);
    const message = git(daemon.remote().bare, ['log', '-1', '--format=%B', bot]);
    for (const [short, host] of [
      ['cas1', 'local'],
      ['cas2', 'h2'],
    ] as const) {
      expect(message).toContain(
        `  ${p(short)} on ${host}: changes applied (members of cassandra changed: − ${fqdn('cas3')} − ${fqdn('cas4')})`,
      );
    }
    expect(daemon.trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(await execText('cas1', ['grep', '-c', '^server\\.', '/etc/zookeeper/servers.cfg'])).toBe(
      '2',
    );
    expect((await ensemble(['cas1', 'cas2'])).sort()).toEqual(['follower', 'leader']);
  }, 900_000);
});
