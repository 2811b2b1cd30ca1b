import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { volumeName } from '../../src/environment/container-mounts.js';
import { PREFIX, removeTestContainers, testContainers } from '../apply/apply-env.js';
import { trailerOf, waitFor } from '../daemon/daemon-process.js';
import { openPullRequest, startGitHubStack, type GitHubStack } from '../daemon/github-stack.js';
import { git, tempDir } from '../git/git-fixture.js';
import { removeTestNetworks, removeTestVolumes } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { runDockstack } from '../cli/run-dockstack.js';
import {
  clusterSize,
  clusterUuid,
  execRun,
  fileInVolume,
  galeraEnvironment,
  healthOf,
  readyForRealImages,
  REAL_APP_TAG,
  removeByHand,
  sql,
  tagRealImage,
} from './configure-testbed.js';
import { encryptedSecrets, type EncryptedSecrets } from './encrypted-secrets.js';
import { type ConfigureStatus, showDaemonLinesOnFailure } from './real-daemon.js';

const NAME = `kick-test-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const fqdn = (short: string) => `${p(short)}.endor.lab`;
const gal1 = p('gal1');
const gal2 = p('gal2');
const PLAN_MARKER = '<!-- dockstack:plan -->';
// The database password, only in the env repo's encrypted secrets.sops.yaml, and the one a pull
// request changes it to.
const GALERA_PASSWORD = 'gal-pw-in-sops-2c9d';
const NEW_GALERA_PASSWORD = 'gal-pw-changed-by-pr-6a1f';
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

// The seed's database as a person runs it with dockstack: a real puppet server configures real
// MariaDB Galera members, grown and shrunk by pull requests (made by `dockstack ... --pr`, their
// plans read on GitHub: a fake that checks every request against GitHub's REST description, then
// merged), repaired when members, their data or the puppet server are lost, and moved to a new
// tag by a push, one member at a time. Each change kicks the agents whose inputs it changed.
describe('a Galera cluster under the daemon', () => {
  let stack: GitHubStack;
  let secrets: EncryptedSecrets;
  let pull = 0;
  const keys = tempDir();
  let untag = (): Promise<void> => Promise.resolve();

  useTestbed({
    setup: async () => {
      await readyForRealImages();
      secrets = await encryptedSecrets(
        galeraEnvironment(NAME, { gal1: 'local' }),
        { galera_password: GALERA_PASSWORD },
        keys.path,
      );
      // A puppet server takes one to three minutes to answer on a busy machine; a pass every
      // second, as the repairs below need several in a row.
      stack = await startGitHubStack(
        'token over file',
        NAME,
        secrets.environment,
        ['--ready-timeout', '600', '--interval', '1'],
        { files: secrets.files, env: { SOPS_AGE_KEY_FILE: secrets.keyFile } },
      );
      await stack.botCommitFor(stack.remote.head(), 900_000);
    },
    setupTimeoutMs: 960_000,
    teardown: async () => {
      try {
        await untag();
        await stack.stop();
      } finally {
        keys.remove();
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
      }
    },
  });
  showDaemonLinesOnFailure(() => stack.daemon);

  const dockstack = (...verb: string[]) => openPullRequest(stack, verb);
  const planComment = (number: number) =>
    waitFor(
      `the plan on pull request ${String(number)}`,
      () =>
        stack.github.comments.find((c) => c.issueNumber === number && c.body.includes(PLAN_MARKER)),
      60_000,
    );
  const trailer = (sha: string, key: string) => trailerOf(stack.remote.bare, sha, key);
  const message = (sha: string) => git(stack.remote.bare, ['log', '-1', '--format=%B', sha]);
  const status = async () =>
    (await fetch(`${stack.daemon.base}/api/status`)).json() as Promise<ConfigureStatus>;

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

  it('configures gal1 by its first agent run: a cluster of one', async () => {
    expect(await clusterSize('gal1')).toBe(1);
    const bot = stack.remote.head();
    // Nothing was running before: no agent needed a kick.
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('');
    expect(trailer(bot, 'Dockstack-Configured')).toBe(trailer(bot, 'Dockstack-Applied'));
  }, 60_000);

  it('plans gal2 and the kick of gal1 on the pull request `dockstack create --pr` opens', async () => {
    const run = await dockstack(
      'create',
      gal2,
      '--service',
      'galera',
      '--host',
      'h2',
      '--tag',
      REAL_APP_TAG,
    );
    expect(run.stderr).toBe('');
    pull = (JSON.parse(run.stdout) as { pullRequest: { number: number } }).pullRequest.number;
    const comment = await planComment(pull);
    expect(comment.body).toContain(`| ➕ create | \`${gal2}\` | galera |`);
    expect(comment.body).toContain('**Puppet agents kicked**');
    expect(comment.body).toContain(`\`${gal1}\``);
    expect(comment.body).toContain(`members of galera changed: + ${gal2}.endor.lab`);
  }, 120_000);

  it('grows the cluster to 2 on both members within 3 minutes of the merge, kicking gal1 only', async () => {
    const merge = await stack.github.mergePull(pull);
    const merged = Date.now();
    const bot = await stack.botCommitFor(merge, 600_000);
    expect(message(bot)).toContain(`create: ${gal2} on h2`);
    expect(message(bot)).toMatch(
      new RegExp(
        `Puppet agents kicked \\(puppet agent --test\\):\\n  ${gal1} on local: (no changes|changes applied) \\(members of galera changed: \\+ ${fqdn('gal2')}\\)`,
      ),
    );
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(trailer(bot, 'Dockstack-Configured')).toBe(merge);
    const configured = (await status()).lastConfigured;
    expect(configured?.commit).toBe(merge);
    expect(configured?.kicked.map((k) => k.name)).toEqual([gal1]);
    const metrics = await (await fetch(`${stack.daemon.base}/metrics`)).text();
    expect(metrics).toMatch(/^dockstack_kicks_total\{outcome="(changed|unchanged)"\} 1$/m);
    const left = 180_000 - (Date.now() - merged);
    await waitFor(
      'wsrep_cluster_size 2 on gal1 and gal2',
      async () => {
        const sizes = await Promise.all([clusterSize('gal1'), clusterSize('gal2')]);
        return sizes.every((s) => s === 2) ? sizes : undefined;
      },
      Math.max(left, 1_000),
    );
  }, 700_000);

  it('brings a removed gal1 back into the same cluster, with its data, and says so in the status', async () => {
    await sql('gal2', 'CREATE DATABASE IF NOT EXISTS kept');
    await sql('gal2', 'CREATE TABLE IF NOT EXISTS kept.t (k INT PRIMARY KEY, v TEXT)');
    await sql('gal2', "REPLACE INTO kept.t VALUES (1, 'before')");
    const uuid = await clusterUuid('gal2');
    await removeByHand(gal1);
    // While gal1 is away and back, the status says the galera members are not ok.
    await waitFor(
      'gal1 shown as not ok',
      async () => {
        const gal = ((await status()).containers ?? []).find((c) => c.name === gal1);
        return gal !== undefined && !gal.ok ? true : undefined;
      },
      120_000,
    );
    await oneClusterWithTheRow('after gal1 came back', uuid);
    await waitFor(
      'both shown ok',
      async () => {
        const galera = ((await status()).containers ?? []).filter((c) => c.service === 'galera');
        return galera.length === 2 && galera.every((c) => c.ok) ? true : undefined;
      },
      120_000,
    );
  }, 900_000);

  it('brings both members back as one cluster with its data when both are removed at once', async () => {
    const uuid = await clusterUuid('gal2');
    await Promise.all([removeByHand(gal1), removeByHand(gal2)]);
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
    await removeByHand(gal2, { volumes: true });
    await oneClusterWithTheRow('after gal2 came back without its data', uuid);
    const run = await execRun('gal2', ['puppet', 'agent', '--test', '--color=false']);
    expect([0, 2], run.output).toContain(run.code);
  }, 900_000);

  it('moves both members to a new tag one at a time: one of them in the cluster throughout, the row kept', async () => {
    const uuid = await clusterUuid('gal1');
    const ids = async () =>
      (await testContainers())
        .filter((c) => [gal1, gal2].includes(c.name))
        .map((c) => `${c.name} ${c.image} ${c.id}`)
        .sort();
    const before = await ids();
    untag = await tagRealImage('galera', NEXT_TAG);
    // A person edits the tag of both members on main and pushes.
    const file = parse(git(stack.remote.bare, ['show', 'HEAD:environment.yaml'])) as {
      services: { galera: Record<string, { tag?: string }> };
    };
    for (const member of Object.values(file.services.galera)) member.tag = NEXT_TAG;
    const moved = stack.remote.push(
      { 'environment.yaml': stringify(file) },
      'Move galera to a new tag',
    );
    await stack.github.pushTo('main');
    // Both members asked at every look, until the daemon applied the commit (it records no
    // commit of its own for it: no file it writes changes, no agent is kicked): which were in
    // the primary component (synced, or a donor to the other).
    const looks: string[] = [];
    const deadline = Date.now() + 900_000;
    while ((await status()).lastApplied?.commit !== moved) {
      if (Date.now() > deadline) throw new Error('the new tag was not applied in 900 s');
      const states = await Promise.all(['gal1', 'gal2'].map(clusterState));
      looks.push(states.map((state) => state || 'away').join(' | '));
      // A look every quarter second or so: often enough to see a gap, light on two cores.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await status()).lastApplied?.converged).toBe(true);
    expect(looks.length).toBeGreaterThan(5);
    const inCluster = (look: string) => look.split(' | ').filter((s) => s.startsWith('Primary'));
    const fewest = Math.min(...looks.map((look) => inCluster(look).length));
    expect(fewest, looks.join('\n')).toBe(1);
    // New containers, on the new tag, the old ones gone (none left aside).
    const after = await ids();
    expect(after.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      `${gal1} galera:${NEXT_TAG}`,
      `${gal2} galera:${NEXT_TAG}`,
    ]);
    expect(after.map((line) => line.split(' ')[2])).not.toContain(before[0]?.split(' ')[2]);
    expect(after.map((line) => line.split(' ')[2])).not.toContain(before[1]?.split(' ')[2]);
    await oneClusterWithTheRow('after both moved to the new tag', uuid);
  }, 1_000_000);

  it('shrinks the cluster to 1 when a pull request removes gal2, which leaves cleanly', async () => {
    const run = await dockstack('remove', gal2);
    expect(run.stderr).toBe('');
    const number = (JSON.parse(run.stdout) as { pullRequest: { number: number } }).pullRequest
      .number;
    expect((await planComment(number)).body).toContain(gal2);
    const merge = await stack.github.mergePull(number);
    const bot = await stack.botCommitFor(merge, 600_000);
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(message(bot)).toContain(`members of galera changed: − ${fqdn('gal2')}`);
    expect((await testContainers()).map((c) => c.name)).not.toContain(gal2);
    // gal2 shut down cleanly, leaving the cluster: MariaDB writes its position on a clean
    // shutdown, and leaves seqno -1 when it is killed.
    const grastate = await fileInVolume(
      'h2',
      volumeName(NAME, gal2, '/var/lib/mysql'),
      'grastate.dat',
    );
    expect(grastate).toMatch(/^seqno:\s+\d+$/m);
    await waitFor(
      'wsrep_cluster_size 1 on gal1',
      async () => ((await clusterSize('gal1')) === 1 ? true : undefined),
      120_000,
    );
  }, 700_000);

  it('plans a changed secret by name with the kick of gal1, which runs with the new value after the merge', async () => {
    // A person changes the password in their clone with dockstack secrets set, on a branch.
    const clone = stack.remote.clone;
    git(clone, ['fetch', '--quiet', 'origin']);
    git(clone, ['checkout', '--quiet', '-B', 'new-galera-password', 'origin/main']);
    const set = runDockstack(
      ['secrets', 'set', `${clone}/secrets.sops.yaml`, 'common.galera_password'],
      undefined,
      { env: { SOPS_AGE_KEY_FILE: secrets.keyFile }, input: `${NEW_GALERA_PASSWORD}\n` },
    );
    expect(set.stderr).toContain('set common.galera_password');
    git(clone, ['commit', '--quiet', '-am', 'Change the database password']);
    git(clone, ['push', '--quiet', 'origin', 'HEAD:refs/heads/new-galera-password']);
    git(clone, ['checkout', '--quiet', 'main']);
    expect(git(clone, ['show', 'new-galera-password'])).not.toContain(NEW_GALERA_PASSWORD);
    const number = stack.github.openPull({
      head: 'new-galera-password',
      base: 'main',
      title: 'Change the database password',
    }).number;
    const comment = (await planComment(number)).body;
    expect(comment).toContain('**Puppet agents kicked**');
    expect(comment).toContain(`\`${gal1}\``);
    // The comment is Markdown: the underscore is escaped.
    expect(comment).toContain('secret galera\\_password changed');
    for (const value of [GALERA_PASSWORD, NEW_GALERA_PASSWORD])
      expect(comment).not.toContain(value);

    const merge = await stack.github.mergePull(number);
    const bot = await stack.botCommitFor(merge, 600_000);
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    expect(message(bot)).toMatch(
      new RegExp(
        `  ${gal1} on local: (no changes|changes applied) \\(secret galera_password changed`,
      ),
    );
    // gal1's agent ran with the new value: Keystone's database user now has that password.
    const matches = await sql(
      'gal1',
      `SELECT authentication_string = PASSWORD('${NEW_GALERA_PASSWORD}') FROM mysql.user WHERE user = 'keystone'`,
    );
    expect(matches).toBe('1');
    const text = await (await fetch(`${stack.daemon.base}/api/status`)).text();
    const everything = git(stack.remote.bare, ['log', '--all', '-p', '--format=%B']);
    for (const value of [GALERA_PASSWORD, NEW_GALERA_PASSWORD]) {
      expect(text).not.toContain(value);
      expect(everything).not.toContain(value);
      expect(stack.daemon.logs.join('\n')).not.toContain(value);
    }
  }, 700_000);
});
