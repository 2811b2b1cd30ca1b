import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, it, describe } from 'vitest';

import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { createRemote, git, gitEnv, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startGitHttpServer, type GitHttpServer } from '../gitserver/git-http-server.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  botCommitOn,
  type DaemonProcess,
  startDaemon,
  statusOf,
  trailerOf,
  waitFor,
} from './daemon-process.js';

const NAME = `bot-records-test-${String(process.pid)}`;
const BOT = { name: 'dockstack bot', email: 'bot@dockstack.test' };
const webui = (n: number) => `${PREFIX}-r-webui${String(n)}`;
const services = (count: number): Services => ({
  webui: Object.fromEntries(
    Array.from({ length: count }, (_, i) => [webui(i + 1), { host: 'local' }]),
  ),
});
const envFile = (count: number) => environmentText(services(count), { name: NAME });

interface Status {
  head: string | null;
  lastApplied: { commit: string; converged: boolean } | null;
  degraded: string | null;
  commits: { sha: string; subject: string }[];
  ignoredRecords: { commit: string; trailer: string; reason: string }[];
}

describe('the daemon takes only its own signed commits for its records', () => {
  const root = tempDir();
  const key = join(root.path, 'bot-key');
  const allowed = join(root.path, 'allowed-signers');
  let server: GitHttpServer;
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;

  const status = () => statusOf<Status>(daemon);
  /** The status once the pass that applied `commit` has finished (its push comes first). */
  const statusAfter = (commit: string) =>
    waitFor(`the status after applying ${commit.slice(0, 12)}`, async () => {
      const seen = await status();
      return seen.lastApplied?.commit === commit ? seen : undefined;
    });
  const trailer = (sha: string, key: string) => trailerOf(remote.bare, sha, key);
  const botCommitFor = (applied: string) => botCommitOn(remote, applied, 60_000);
  /** The person's clone at the remote's main, to commit on. */
  const sync = () => {
    git(remote.clone, ['fetch', '--quiet', 'origin', 'main']);
    git(remote.clone, ['reset', '--quiet', '--hard', 'origin/main']);
  };
  /** A commit in the person's clone as `who`, optionally signed with the bot's key; its sha. */
  const commitAs = (
    who: { name: string; email: string },
    count: number,
    message: string,
    sign = false,
  ): string => {
    writeFileSync(join(remote.clone, 'environment.yaml'), envFile(count));
    git(remote.clone, ['add', 'environment.yaml']);
    const signing = sign ? ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${key}`] : [];
    execFileSync(
      'git',
      [...signing, 'commit', '--quiet', '--allow-empty', ...(sign ? ['-S'] : []), '-F', '-'],
      {
        cwd: remote.clone,
        input: message,
        env: {
          ...gitEnv(),
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
        },
      },
    );
    return git(remote.clone, ['rev-parse', 'HEAD']);
  };
  /** Pushes the clone's commits to main at once: the daemon sees them in one pass. */
  const publish = () => git(remote.clone, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
  const running = async () =>
    (await testContainers())
      .filter((c) => c.name.startsWith(`${PREFIX}-r-`) && c.running)
      .map((c) => c.name)
      .sort();

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
      execFileSync('sh', ['-c', `echo "${BOT.email} $(cat "${key}.pub")" > "${allowed}"`]);
      remote = createRemote(root.path, { 'environment.yaml': envFile(1) });
      server = await startGitHttpServer(root.path);
      daemon = await startDaemon(
        [
          '--repo',
          server.url('env.git'),
          '--workdir',
          join(root.path, 'work'),
          '--interval',
          '1',
          '--drift-interval',
          '0',
          '--bot-name',
          BOT.name,
          '--bot-email',
          BOT.email,
          '--signing-key-file',
          key,
        ],
        {},
      );
    },
    teardown: async () => {
      await daemon?.stop();
      await server.stop();
      await removeTestContainers();
      root.remove();
    },
  });

  it('signs its write-back with its key', async () => {
    const bot = await botCommitFor(remote.head());
    expect(
      git(remote.bare, [
        '-c',
        `gpg.ssh.allowedSignersFile=${allowed}`,
        'log',
        '-1',
        '--format=%G? %GS %an <%ae>',
        bot,
      ]),
    ).toBe(`G ${BOT.email} ${BOT.name} <${BOT.email}>`);
    expect(await running()).toEqual([webui(1)]);
  });

  it('goes on past a trailer naming an unknown commit, and applies the ordinary commit after it', async () => {
    // A squash-merged pull request whose description carried the bot's trailers.
    const unknown = 'f'.repeat(40);
    sync();
    const forged = commitAs(
      { name: 'Mallory', email: 'mallory@example.org' },
      1,
      `Tidy the file\n\nDockstack-Applied: ${unknown}\nDockstack-Configured: ${unknown}\n`,
    );
    const ordinary = commitAs({ name: 'Ann', email: 'ann@example.org' }, 2, 'Add webui2');
    publish();
    const bot = await botCommitFor(ordinary);
    expect(trailer(bot, 'Dockstack-Result')).toBe('converged');
    expect(await running()).toEqual([webui(1), webui(2)]);
    const seen = await statusAfter(ordinary);
    expect(seen.degraded).toBeNull();
    expect(seen.commits.map((c) => c.sha)).toEqual(expect.arrayContaining([forged, ordinary]));
    expect(seen.ignoredRecords).toEqual([
      {
        commit: forged,
        subject: 'Tidy the file',
        trailer: 'Dockstack-Applied',
        reason:
          "Dockstack-Applied on a commit not dockstack's: its author is Mallory <mallory@example.org>, " +
          `not ${BOT.name} <${BOT.email}>`,
      },
    ]);
    expect(
      daemon?.logs.some(
        (line) =>
          line.includes('"level":40') &&
          line.includes(forged) &&
          line.includes('not its record: ignored'),
      ),
    ).toBe(true);
  }, 90_000);

  it("does not let an unsigned commit in the bot's name hide a change from the audit trail", async () => {
    const older = git(remote.bare, ['rev-list', '--max-parents=0', 'main']);
    sync();
    const forged = commitAs(
      BOT,
      3,
      `dockstack: converged at ${older.slice(0, 12)}\n\nDockstack-Applied: ${older}\nDockstack-Result: converged\n`,
    );
    publish();
    const bot = await botCommitFor(forged);
    expect(trailer(bot, 'Dockstack-Result')).toBe('converged');
    expect(await running()).toEqual([webui(1), webui(2), webui(3)]);
    const seen = await statusAfter(forged);
    expect(seen.commits.map((c) => c.sha)).toContain(forged);
    expect(seen.ignoredRecords.map((r) => [r.commit, r.reason])).toEqual([
      [forged, expect.stringContaining("on a commit not dockstack's: it is not signed") as string],
    ]);

    // Signed with the bot's key, the same commit would be the bot's record: trust follows the key.
    sync();
    const signed = commitAs(BOT, 3, `dockstack: noted\n\nDockstack-Applied: ${forged}\n`, true);
    const next = commitAs({ name: 'Ann', email: 'ann@example.org' }, 2, 'Remove webui3');
    publish();
    await botCommitFor(next);
    const after = await statusAfter(next);
    expect(after.commits.map((c) => c.sha)).not.toContain(signed);
    expect(after.commits.map((c) => c.sha)).toContain(next);
    expect(await running()).toEqual([webui(1), webui(2)]);
  }, 90_000);
});
