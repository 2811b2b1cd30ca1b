import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRemote, git, gitEnv, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { runDockstack } from './run-dockstack.js';

const BOT = { name: 'dockstack', email: 'dockstack@localhost' };
const env = (services: string) =>
  `common:\n  dnsServer: 10.0.0.1\n  domain: endor.lab\nservices: ${services}\n`;

interface Change {
  sha: string;
  subject: string;
  applied?: { commit: string; result: string };
}

describe('dockstack history', () => {
  const dir = tempDir();
  let remote: RemoteFixture;
  let first: string;
  let botRecord: string;
  let second: string;
  let forgedOld: string;
  let forgedPending: string;
  let key: string;

  /** A commit on main by `who`, signed with `signingKey` when given; its sha. */
  const commitAs = (
    who: { name: string; email: string },
    message: string,
    files: Record<string, string> = {},
    signingKey?: string,
  ): string => {
    for (const [path, text] of Object.entries(files)) {
      execFileSync('sh', ['-c', 'cat > "$1"', 'sh', join(remote.clone, path)], { input: text });
    }
    git(remote.clone, ['add', '--all']);
    const signing =
      signingKey === undefined
        ? []
        : ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${signingKey}`];
    execFileSync(
      'git',
      [...signing, 'commit', '--quiet', '--allow-empty', ...(signingKey ? ['-S'] : []), '-F', '-'],
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
    git(remote.clone, ['push', '--quiet', 'origin', 'main']);
    return git(remote.clone, ['rev-parse', 'HEAD']);
  };

  const history = (...args: string[]) => {
    const run = runDockstack(['history', '--repo', remote.bare, '--json', ...args]);
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { changes: Change[] }).changes.reverse();
  };

  beforeAll(() => {
    key = join(dir.path, 'bot-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
    remote = createRemote(dir.path, { 'environment.yaml': env('{}') });
    first = remote.head();
    botRecord = commitAs(
      BOT,
      `dockstack: converged at ${first.slice(0, 12)}\n\nDockstack-Applied: ${first}\nDockstack-Result: converged\nDockstack-Steps: 0 done, 0 failed, 0 hosts unreachable\n`,
      {},
      key,
    );
    second = commitAs({ name: 'Ann', email: 'ann@example.org' }, 'Add dns', {
      'environment.yaml': env('{ dns: {} }'),
    });
    // Squash-merged pull requests whose descriptions carry the bot's trailers.
    forgedOld = commitAs(
      { name: 'Mallory', email: 'mallory@example.org' },
      `Add webui\n\nDockstack-Applied: ${first}\nDockstack-Result: converged\n`,
      { 'environment.yaml': env('{ dns: {}, webui: {} }') },
    );
    forgedPending = commitAs(
      { name: 'Mallory', email: 'mallory@example.org' },
      `Tidy up\n\nDockstack-Applied: ${second}\nDockstack-Result: converged\n`,
    );
  });
  afterAll(() => {
    dir.remove();
  });

  it("lists every change, whatever trailers it carries, and takes only the bot's records", () => {
    const changes = history();
    expect(changes.map((c) => c.sha)).toEqual([first, second, forgedOld, forgedPending]);
    expect(changes[0]?.applied).toMatchObject({ commit: botRecord, result: 'converged' });
    // A trailer in someone else's commit does not mark a change applied.
    expect(changes.slice(1).map((c) => c.applied)).toEqual([undefined, undefined, undefined]);
  });

  it("takes a record for the bot's only with its signature, given its key", () => {
    expect(history('--signing-key-file', `${key}.pub`)[0]?.applied?.commit).toBe(botRecord);
    const other = join(dir.path, 'other-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', other]);
    expect(history('--signing-key-file', `${other}.pub`)[0]?.applied).toBeUndefined();
    // Another identity: the bot's commit is someone else's.
    expect(history('--bot-name', 'robot')[0]?.applied).toBeUndefined();
  });
});
