import { describe, expect, it } from 'vitest';

import { PREFIX, removeTestContainers } from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { openPullRequest, startGitHubStack, type GitHubStack } from '../daemon/github-stack.js';
import { git, tempDir } from '../git/git-fixture.js';
import { removeTestNetworks, removeTestVolumes } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { runDockstack } from '../cli/run-dockstack.js';
import {
  readyForRealImages,
  clusterSize,
  galeraEnvironment,
  REAL_APP_TAG,
  sql,
} from './configure-testbed.js';
import { encryptedSecrets, type EncryptedSecrets } from './encrypted-secrets.js';

const NAME = `kick-test-${String(process.pid)}`;
const gal1 = `${PREFIX}-gal1`;
const gal2 = `${PREFIX}-gal2`;
const PLAN_MARKER = '<!-- dockstack:plan -->';
// The database password, only in the env repo's encrypted secrets.sops.yaml, and the one a pull
// request changes it to.
const GALERA_PASSWORD = 'gal-pw-in-sops-2c9d';
const NEW_GALERA_PASSWORD = 'gal-pw-changed-by-pr-6a1f';

// The seed's way of growing the database, as a person does it with dockstack: a pull request made
// by `dockstack create ... --pr`, its plan read on GitHub (a fake that checks every request against
// GitHub's REST description), a merge; then the real puppet server and MariaDB Galera members.
describe('a pull request that adds gal2 to a Galera cluster', () => {
  let stack: GitHubStack;
  let secrets: EncryptedSecrets;
  let pull = 0;
  const keys = tempDir();

  useTestbed({
    setup: async () => {
      await readyForRealImages();
      secrets = await encryptedSecrets(
        galeraEnvironment(NAME, { gal1: 'local' }),
        { galera_password: GALERA_PASSWORD },
        keys.path,
      );
      // A puppet server takes one to three minutes to answer on a busy machine.
      stack = await startGitHubStack(
        'token over file',
        NAME,
        secrets.environment,
        ['--ready-timeout', '600'],
        { files: secrets.files, env: { SOPS_AGE_KEY_FILE: secrets.keyFile } },
      );
      await stack.botCommitFor(stack.remote.head(), 900_000);
      expect(await clusterSize('gal1')).toBe(1);
    },
    setupTimeoutMs: 960_000,
    teardown: async () => {
      try {
        await stack.stop();
      } finally {
        keys.remove();
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
      }
    },
  });

  const dockstack = (...verb: string[]) => openPullRequest(stack, verb);
  const planComment = (number: number) =>
    waitFor(
      `the plan on pull request ${String(number)}`,
      () =>
        stack.github.comments.find((c) => c.issueNumber === number && c.body.includes(PLAN_MARKER)),
      60_000,
    );
  const trailer = (sha: string, key: string) =>
    git(stack.remote.bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();

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
    expect(trailer(bot, 'Dockstack-Kicked')).toBe('1');
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
    const message = git(stack.remote.bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toMatch(
      new RegExp(`  ${gal1} on local: (no changes|changes applied) \\(members of galera changed`),
    );
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

  it('shrinks the cluster to 1 when a pull request removes gal2', async () => {
    const run = await dockstack('remove', gal2);
    expect(run.stderr).toBe('');
    const number = (JSON.parse(run.stdout) as { pullRequest: { number: number } }).pullRequest
      .number;
    expect((await planComment(number)).body).toContain(gal2);
    const merge = await stack.github.mergePull(number);
    const bot = await stack.botCommitFor(merge, 600_000);
    expect(trailer(bot, 'Dockstack-Kick-Failed')).toBe('');
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
    const message = git(stack.remote.bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toMatch(
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
    const status = await (await fetch(`${stack.daemon.base}/api/status`)).text();
    const everything = git(stack.remote.bare, ['log', '--all', '-p', '--format=%B']);
    for (const value of [GALERA_PASSWORD, NEW_GALERA_PASSWORD]) {
      expect(status).not.toContain(value);
      expect(everything).not.toContain(value);
      expect(stack.daemon.logs.join('\n')).not.toContain(value);
    }
  }, 700_000);
});
