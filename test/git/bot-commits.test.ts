import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { EnvRepo } from '../../src/git/env-repo.js';
import { GitError } from '../../src/git/git-error.js';
import {
  BOT,
  createRemote,
  git,
  gitEnv,
  openRepo,
  PERSON,
  tempDir,
  type RemoteFixture,
} from './git-fixture.js';

let dir: ReturnType<typeof tempDir>;
let remote: RemoteFixture;
let workDir: string;

beforeEach(() => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
  workDir = join(dir.path, 'work', 'repo');
});

afterEach(() => {
  dir.remove();
});

/** A new SSH key pair without a passphrase, as an operator makes one; the private key's path. */
function sshKey(name: string, passphrase = ''): string {
  const file = join(dir.path, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', '', '-f', file]);
  return file;
}

/** The commit the bot's adapter makes and pushes on the branch's head. */
async function botCommit(repo: EnvRepo, text: string): Promise<string> {
  const parent = await repo.fetch();
  const sha = await repo.commit(parent, { 'a.txt': text }, 'dockstack: converged', {
    'Dockstack-Applied': parent,
  });
  if (sha === undefined || (await repo.push(sha)) !== 'pushed') throw new Error('no bot commit');
  return sha;
}

/**
 * A commit on the branch by someone other than the adapter: `who` as author and committer
 * (`committer` when given), signed when `extra` names a signing key.
 */
function pushAs(
  who: { name: string; email: string },
  message: string,
  extra: readonly string[] = [],
  committer = who,
): string {
  git(remote.clone, ['pull', '--quiet', '--ff-only', 'origin', 'main']);
  const sign = extra.length > 0 ? ['-S'] : [];
  const sha = execFileSync(
    'git',
    [...extra, 'commit-tree', ...sign, 'HEAD^{tree}', '-p', 'HEAD', '-F', '-'],
    {
      cwd: remote.clone,
      env: {
        ...gitEnv(),
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
      },
      input: message,
      encoding: 'utf8',
    },
  ).trim();
  git(remote.clone, ['reset', '--quiet', '--hard', sha]);
  git(remote.clone, ['push', '--quiet', 'origin', 'main']);
  return sha;
}

const signedWith = (key: string) => ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${key}`];

async function commitInfo(repo: EnvRepo, sha: string) {
  const [info] = await repo.firstParentLog(sha, undefined, 1);
  if (info?.sha !== sha) throw new Error(`no commit ${sha}`);
  return info;
}

describe("the bot's own commits, by identity", () => {
  it("takes the bot's commits for its own and a person's for theirs", async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const own = await botCommit(repo, 'bot\n');
    expect(await repo.whyNotOwn(await commitInfo(repo, own))).toBeUndefined();

    const forged = pushAs(PERSON, `Squashed\n\nDockstack-Applied: ${'d'.repeat(40)}\n`);
    await repo.fetch();
    expect(await repo.whyNotOwn(await commitInfo(repo, forged))).toBe(
      `its author is ${PERSON.name} <${PERSON.email}>, not ${BOT.name} <${BOT.email}>`,
    );
  });

  it('wants the committer to be the bot too', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const sha = pushAs(
      BOT,
      `Looks like the bot\n\nDockstack-Applied: ${remote.head()}\n`,
      [],
      PERSON,
    );
    await repo.fetch();
    const info = await commitInfo(repo, sha);
    expect(info.author).toEqual(BOT);
    expect(await repo.whyNotOwn(info)).toBe(
      `its committer is ${PERSON.name} <${PERSON.email}>, not ${BOT.name} <${BOT.email}>`,
    );
  });
});

describe("the bot's own commits, signed with an SSH key", () => {
  it('signs its commits, and takes only those git verifies by its key for its own', async () => {
    const key = sshKey('bot-key');
    const repo = openRepo(remote.fileUrl, workDir, { signingKey: key });
    const own = await botCommit(repo, 'signed\n');
    // git itself verifies the signature, with the bot's key as the only allowed signer.
    const allowed = join(dir.path, 'allowed');
    execFileSync('sh', ['-c', `echo "${BOT.email} $(cat ${key}.pub)" > ${allowed}`]);
    expect(
      git(remote.bare, [
        '-c',
        `gpg.ssh.allowedSignersFile=${allowed}`,
        'log',
        '-1',
        '--format=%G? %GS',
        own,
      ]),
    ).toBe(`G ${BOT.email}`);
    expect(await repo.whyNotOwn(await commitInfo(repo, own))).toBeUndefined();

    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${key}.pub`], { encoding: 'utf8' })
      .split(' ')[1]
      ?.trim();
    const unsigned = pushAs(BOT, `dockstack: converged\n\nDockstack-Applied: ${own}\n`);
    await repo.fetch();
    expect(await repo.whyNotOwn(await commitInfo(repo, unsigned))).toBe(
      `it is not signed (the bot signs with ${String(fingerprint)})`,
    );

    const other = sshKey('other-key');
    const wrongKey = pushAs(BOT, 'dockstack: converged', signedWith(other));
    await repo.fetch();
    expect(
      git(remote.bare, [
        '-c',
        `gpg.ssh.allowedSignersFile=${allowed}`,
        'log',
        '-1',
        '--format=%G?',
      ]),
    ).toBe('U');
    expect(await repo.whyNotOwn(await commitInfo(repo, wrongKey))).toBe(
      `its signature does not verify by the bot's key ${String(fingerprint)}`,
    );

    // Signed by the bot's key but claiming another author: the identity decides first.
    const otherPerson = pushAs(PERSON, 'By a person, with the stolen key', signedWith(key));
    await repo.fetch();
    expect(await repo.whyNotOwn(await commitInfo(repo, otherPerson))).toMatch(/^its author is /);

    // A reader given only the public half verifies the same way.
    const reader = openRepo(remote.fileUrl, join(dir.path, 'work', 'reader'), {
      signingKey: `${key}.pub`,
    });
    await reader.fetch();
    expect(await reader.whyNotOwn(await commitInfo(reader, own))).toBeUndefined();
    expect(await reader.whyNotOwn(await commitInfo(reader, wrongKey))).toMatch(/does not verify/);
  });

  it('refuses a key it cannot sign with, saying what to give instead', () => {
    const loose = sshKey('loose-key');
    chmodSync(loose, 0o644);
    const locked = sshKey('locked-key', 'a passphrase');
    const notAKey = join(dir.path, 'environment.yaml');
    execFileSync('cp', [join(remote.clone, 'environment.yaml'), notAKey]);
    for (const file of [loose, locked, notAKey, join(dir.path, 'missing')]) {
      let error: unknown;
      try {
        openRepo(remote.fileUrl, workDir, { signingKey: file });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).kind).toBe('invalid');
      expect((error as GitError).message).toContain(`signing key ${file} refused: `);
      expect((error as GitError).message).toContain('ssh-keygen -t ed25519 -N "" -f FILE');
    }
    expect(readFileSync(loose, 'utf8')).toContain('PRIVATE KEY');
  });
});

describe('isAncestor', () => {
  it("is true only for commits of the branch's history", async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const first = remote.head();
    const second = remote.push({ 'b.txt': 'b\n' }, 'Add b');
    const head = await repo.fetch();
    expect(head).toBe(second);
    expect(await repo.isAncestor(first, head)).toBe(true);
    expect(await repo.isAncestor(head, head)).toBe(true);
    expect(await repo.isAncestor(head, first)).toBe(false);
    // Unknown to the clone, or a commit made beside the branch: not an ancestor, not an error.
    expect(await repo.isAncestor('e'.repeat(40), head)).toBe(false);
    const aside = await repo.commit(first, { 'c.txt': 'c\n' }, 'Aside', {});
    expect(aside).toBeDefined();
    expect(await repo.isAncestor(aside ?? '', head)).toBe(false);
    const blob = git(remote.bare, ['rev-parse', 'main:b.txt']);
    expect(await repo.isAncestor(blob, head)).toBe(false);
    await expect(repo.isAncestor('--all', head)).rejects.toThrow(/refused/);
  });
});
