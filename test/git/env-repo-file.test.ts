import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GitError } from '../../src/git/git-error.js';
import {
  BOT,
  createRemote,
  git,
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
  remote = createRemote(dir.path, {
    'environment.yaml': 'services: {}\n',
    'bin/hook.sh': '#!/bin/sh\n',
  });
  git(remote.clone, ['update-index', '--chmod=+x', 'bin/hook.sh']);
  git(remote.clone, ['commit', '--quiet', '-m', 'Make the hook executable']);
  git(remote.clone, ['push', '--quiet', 'origin', 'main']);
  workDir = join(dir.path, 'work', 'repo');
});

afterEach(() => {
  dir.remove();
});

async function rejection(promise: Promise<unknown>): Promise<GitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GitError)) throw new Error(`expected a GitError, got ${String(error)}`);
  return error;
}

describe('fetch and remoteHead over file://', () => {
  it('clones into a bare working clone on the first fetch, then follows the branch', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    expect(await repo.fetch()).toBe(remote.head());
    expect(git(workDir, ['rev-parse', '--is-bare-repository'])).toBe('true');
    expect(readdirSync(workDir)).not.toContain('environment.yaml');

    const next = remote.push({ 'environment.yaml': 'services: { dns: {} }\n' }, 'Add dns');
    expect(await repo.fetch()).toBe(next);
    expect(git(workDir, ['rev-parse', 'refs/remotes/origin/main'])).toBe(next);
  });

  it('sees a new remote head only once it is pushed', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const before = remote.head();
    expect(await repo.remoteHead()).toBe(before);

    git(remote.clone, ['commit', '--quiet', '--allow-empty', '-m', 'Not pushed yet']);
    expect(await repo.remoteHead()).toBe(before);

    git(remote.clone, ['push', '--quiet', 'origin', 'main']);
    const after = git(remote.clone, ['rev-parse', 'HEAD']);
    expect(after).not.toBe(before);
    expect(await repo.remoteHead()).toBe(after);
  });

  it('reports a branch the remote lacks: undefined head, invalid fetch', async () => {
    const repo = openRepo(remote.fileUrl, workDir, { branch: 'release/none' });
    expect(await repo.remoteHead()).toBeUndefined();
    const error = await rejection(repo.fetch());
    expect(error).toMatchObject({ kind: 'invalid', retryable: false });
    expect(error.message).toContain("couldn't find remote ref refs/heads/release/none");
  });

  it('refuses a working dir that holds other files', async () => {
    const repo = openRepo(remote.fileUrl, remote.clone);
    const error = await rejection(repo.fetch());
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('is not a working clone of dockstack');
    expect(existsSync(join(remote.clone, 'HEAD'))).toBe(false);
  });
});

describe('firstParentLog', () => {
  it('lists the first-parent commits oldest first, a merged pull request as its merge commit', async () => {
    const c1 = remote.head();
    const c2 = remote.push(
      { 'environment.yaml': 'services: { dns: {} }\n' },
      'Add dns\n\nThe first service.\n\nSigned-off-by: A <a@example.test>\nSigned-off-by: B <b@example.test>\nDockstack-Applied: 0123456789012345678901234567890123456789\n',
    );
    git(remote.clone, ['checkout', '--quiet', '-b', 'feature']);
    const f1 = remote.push({ 'feature.txt': 'one\n' }, 'Feature, part one');
    git(remote.clone, ['commit', '--quiet', '--allow-empty', '-m', 'Feature, part two']);
    const f2 = git(remote.clone, ['rev-parse', 'HEAD']);
    git(remote.clone, ['checkout', '--quiet', 'main']);
    const c3 = remote.push({ 'other.txt': 'x\n' }, 'Meanwhile on main');
    git(remote.clone, [
      'merge',
      '--quiet',
      '--no-ff',
      '-m',
      'Merge pull request #7 from feature',
      'feature',
    ]);
    git(remote.clone, ['push', '--quiet', 'origin', 'main']);
    const merge = remote.head();

    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    expect(head).toBe(merge);
    const all = await repo.firstParentLog(head);
    expect(all.map((c) => c.sha).slice(-4)).toEqual([c1, c2, c3, merge]);
    expect(all.map((c) => c.sha)).not.toContain(f1);
    expect(all.map((c) => c.sha)).not.toContain(f2);

    const mergeInfo = all.at(-1)!;
    expect(mergeInfo.parents).toEqual([c3, f2]);
    expect(mergeInfo.subject).toBe('Merge pull request #7 from feature');
    expect(mergeInfo.author).toEqual(PERSON);
    expect(mergeInfo.committer).toEqual(PERSON);
    expect(mergeInfo.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

    const withTrailers = all.find((c) => c.sha === c2)!;
    expect(withTrailers.subject).toBe('Add dns');
    expect(withTrailers.body).toContain('The first service.');
    expect(withTrailers.trailers).toEqual({
      'Signed-off-by': ['A <a@example.test>', 'B <b@example.test>'],
      'Dockstack-Applied': ['0123456789012345678901234567890123456789'],
    });

    expect((await repo.firstParentLog(head, c2)).map((c) => c.sha)).toEqual([c3, merge]);
    expect((await repo.firstParentLog(head, c1, 1)).map((c) => c.sha)).toEqual([merge]);
    expect(await repo.firstParentLog(head, head)).toEqual([]);
  });

  it('refuses a since that is not a known commit', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    const error = await rejection(repo.firstParentLog(head, 'f'.repeat(40)));
    expect(error.kind).toBe('invalid');
  });
});

describe('readFile', () => {
  it('reads a file at a commit, and tells an absent one apart', async () => {
    const first = remote.head();
    const second = remote.push({ 'manifests/site.pp': 'node default {}\n' }, 'Add site.pp');
    const repo = openRepo(remote.fileUrl, workDir);
    await repo.fetch();

    expect(await repo.readFile(second, 'manifests/site.pp')).toBe('node default {}\n');
    expect(await repo.readFile(first, 'manifests/site.pp')).toBeUndefined();
    expect(await repo.readFile(second, 'environment.yaml')).toBe('services: {}\n');
    expect(await repo.readFile(second, 'missing.yaml')).toBeUndefined();
    expect(await repo.readFile(second, 'manifests/site')).toBeUndefined();
    expect((await rejection(repo.readFile(second, 'manifests'))).message).toContain(
      'is not a regular file',
    );
  });

  it('refuses a file over the size limit, 5 MiB by default', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    const head = remote.push({ 'big.txt': big, 'small.txt': 'y'.repeat(2000) }, 'Add big files');
    const repo = openRepo(remote.fileUrl, workDir);
    await repo.fetch();

    const error = await rejection(repo.readFile(head, 'big.txt'));
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      `big.txt at ${head.slice(0, 12)} is 5242881 bytes, over the limit of 5242880`,
    );
    expect((await repo.readFile(head, 'small.txt'))?.length).toBe(2000);

    const strict = openRepo(remote.fileUrl, join(dir.path, 'strict'), { maxFileBytes: 1000 });
    await strict.fetch();
    expect((await rejection(strict.readFile(head, 'small.txt'))).kind).toBe('invalid');
  });
});

describe('readFolder', () => {
  it('reads every file under a folder at a commit, by its path below the folder', async () => {
    const first = remote.head();
    const second = remote.push(
      {
        'puppet/modules/site/manifests/init.pp': 'class site {}\n',
        'puppet/modules/site/templates/a b.erb': '<%= @x %>\n',
        'puppet/other.txt': 'not under modules\n',
      },
      'Add modules',
    );
    const repo = openRepo(remote.fileUrl, workDir);
    await repo.fetch();

    expect([...((await repo.readFolder(second, 'puppet/modules')) ?? [])]).toEqual([
      ['site/manifests/init.pp', 'class site {}\n'],
      ['site/templates/a b.erb', '<%= @x %>\n'],
    ]);
    expect(await repo.readFolder(first, 'puppet/modules')).toBeUndefined();
    expect(await repo.readFolder(second, 'puppet/missing')).toBeUndefined();
    expect((await rejection(repo.readFolder(second, 'environment.yaml'))).message).toBe(
      `environment.yaml at ${second.slice(0, 12)} is not a folder`,
    );
    expect((await rejection(repo.readFolder(second, '--output=x'))).kind).toBe('invalid');
  });

  it('refuses a link under the folder, and files over the size limit together', async () => {
    remote.push(
      { 'puppet/modules/a.pp': 'x'.repeat(600), 'puppet/modules/b.pp': 'y'.repeat(600) },
      'Add',
    );
    const sized = remote.head();
    git(remote.clone, ['rm', '--quiet', 'puppet/modules/b.pp']);
    symlinkSync('/etc/passwd', join(remote.clone, 'puppet/modules/link.pp'));
    git(remote.clone, ['add', '--all']);
    git(remote.clone, ['commit', '--quiet', '-m', 'Add a link']);
    git(remote.clone, ['push', '--quiet', 'origin', 'main']);
    const linked = remote.head();
    const repo = openRepo(remote.fileUrl, workDir, { maxFileBytes: 1000 });
    await repo.fetch();

    const link = await rejection(repo.readFolder(linked, 'puppet/modules'));
    expect([link.kind, link.message]).toEqual([
      'invalid',
      `puppet/modules/link.pp at ${linked.slice(0, 12)} is not a regular file`,
    ]);
    expect((await rejection(repo.readFolder(sized, 'puppet/modules'))).message).toBe(
      `the files under puppet/modules at ${sized.slice(0, 12)} are over the limit of 1000 bytes together`,
    );
  });
});

/**
 * Pushes a commit whose tree holds `puppet/modules/NAME/x.pp` beside `mymod/x.pp`: git's plumbing
 * makes a tree entry of any name.
 */
function pushCraftedTree(name: string): string {
  const blob = git(remote.clone, ['hash-object', '-w', '--stdin'], 'class x {}\n');
  const inner = git(remote.clone, ['mktree'], `100644 blob ${blob}\tx.pp\n`);
  const modules = git(
    remote.clone,
    ['mktree'],
    [name, 'mymod']
      .sort()
      .map((entry) => `040000 tree ${inner}\t${entry}\n`)
      .join(''),
  );
  const puppet = git(remote.clone, ['mktree'], `040000 tree ${modules}\tmodules\n`);
  const base = git(remote.clone, ['write-tree']);
  const listing = git(remote.clone, ['ls-tree', base]);
  const root = git(remote.clone, ['mktree'], `${listing}\n040000 tree ${puppet}\tpuppet\n`);
  const commit = git(remote.clone, ['commit-tree', '-p', 'HEAD', '-m', 'Crafted', root]);
  git(remote.clone, ['update-ref', 'HEAD', commit]);
  git(remote.clone, ['push', '--quiet', 'origin', 'main']);
  return commit;
}

describe('readFolder on a crafted tree', () => {
  it("refuses an entry named '..' that would lead out of the folder, saying which", async () => {
    const crafted = pushCraftedTree('..');
    expect(git(remote.bare, ['ls-tree', '-r', '--name-only', crafted, '--', 'puppet/'])).toContain(
      'puppet/modules/../x.pp',
    );
    const repo = openRepo(remote.fileUrl, workDir);
    await repo.fetch();
    const refused = await rejection(repo.readFolder(crafted, 'puppet/modules'));
    expect([refused.kind, refused.message]).toEqual([
      'invalid',
      `the tree under puppet/modules at ${crafted.slice(0, 12)} holds "puppet/modules/../x.pp", which is refused: it has a "." or ".." component (git never makes such an entry: the tree was crafted; remove it)`,
    ]);
  });

  it("refuses '.' and '.git' entries too, and reads a normal tree", async () => {
    for (const name of ['.', '.git']) {
      const crafted = pushCraftedTree(name);
      const repo = openRepo(remote.fileUrl, workDir);
      await repo.fetch();
      const refused = await rejection(repo.readFolder(crafted, 'puppet/modules'));
      expect(refused.message).toContain(`holds "puppet/modules/${name}/x.pp", which is refused`);
    }
    const plain = pushCraftedTree('other');
    const repo = openRepo(remote.fileUrl, workDir);
    await repo.fetch();
    expect([...((await repo.readFolder(plain, 'puppet/modules')) ?? []).keys()]).toEqual([
      'mymod/x.pp',
      'other/x.pp',
    ]);
  });
});

describe('commit and push', () => {
  it('writes exactly the changed files, as the bot, with the message and trailers', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const sha = await repo.commit(
      parent,
      {
        'environment.yaml': 'services: { dns: {} }\n',
        'manifests/site.pp': 'node dns1 {}\n',
        'bin/hook.sh': '#!/bin/sh\nexit 0\n',
        'dnsmasq/hosts': '',
      },
      'dockstack: converged at 0123456789ab\n\n1 done, 0 failed.\n',
      { 'Dockstack-Applied': parent, 'Dockstack-Result': 'converged' },
    );
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const commit = sha!;

    expect(
      git(workDir, ['diff-tree', '--no-commit-id', '--name-status', '-r', parent, commit]),
    ).toBe(
      ['M\tbin/hook.sh', 'A\tdnsmasq/hosts', 'M\tenvironment.yaml', 'A\tmanifests/site.pp'].join(
        '\n',
      ),
    );
    expect(git(workDir, ['ls-tree', commit, '--', 'bin/hook.sh'])).toMatch(/^100755 /);
    expect(git(workDir, ['show', '--no-patch', '--format=%P|%an <%ae>|%cn <%ce>', commit])).toBe(
      `${parent}|${BOT.name} <${BOT.email}>|${BOT.name} <${BOT.email}>`,
    );
    const raw = git(workDir, ['cat-file', 'commit', commit]);
    expect(raw.slice(raw.indexOf('\n\n') + 2)).toBe(
      'dockstack: converged at 0123456789ab\n\n1 done, 0 failed.\n\n' +
        `Dockstack-Applied: ${parent}\nDockstack-Result: converged`,
    );
    expect(git(workDir, ['show', `${commit}:manifests/site.pp`])).toBe('node dns1 {}');
    expect(remote.head()).toBe(parent);
    expect(git(workDir, ['rev-parse', 'refs/remotes/origin/main'])).toBe(parent);
  });

  it('makes no commit when every file already has its content', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const count = git(workDir, ['count-objects']);
    expect(await repo.commit(parent, { 'environment.yaml': 'services: {}\n' }, 'noop', {})).toBe(
      undefined,
    );
    expect(await repo.commit(parent, {}, 'nothing', { 'Dockstack-Applied': parent })).toBe(
      undefined,
    );
    expect(git(workDir, ['count-objects'])).toBe(count);
  });

  it('makes a commit of the message alone when asked to, on the same tree', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const trailers = { 'Dockstack-Kicked': '1' };
    const files = { 'environment.yaml': 'services: {}\n' };
    const sha = await repo.commit(parent, files, 'kicked', trailers, { always: true });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(workDir, ['rev-parse', `${sha ?? ''}^{tree}`])).toBe(
      git(workDir, ['rev-parse', `${parent}^{tree}`]),
    );
    expect(git(workDir, ['log', '-1', '--format=%B', sha ?? ''])).toContain('Dockstack-Kicked: 1');
    const bare = await repo.commit(parent, {}, 'kicked', trailers, { always: true });
    expect(bare).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses to write over a folder or below a file', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const overFolder = await rejection(repo.commit(parent, { bin: 'x' }, 'm', {}));
    expect(overFolder).toMatchObject({
      kind: 'conflict',
      message: 'cannot write bin: it is a folder',
    });
    const belowFile = await rejection(repo.commit(parent, { 'environment.yaml/x': 'x' }, 'm', {}));
    expect(belowFile.message).toBe('cannot write environment.yaml/x: environment.yaml is a file');
  });

  it('pushes as a fast-forward and moves the remote head', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const sha = (await repo.commit(parent, { 'a.txt': 'a\n' }, 'Add a', {}))!;
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.head()).toBe(sha);
    expect(await repo.remoteHead()).toBe(sha);
    expect(await repo.fetch()).toBe(sha);
    expect(await repo.push(sha)).toBe('pushed');
    expect(remote.history().slice(-2)).toEqual([parent, sha]);
  });

  it('gets rejected, not forced, when the branch moved', async () => {
    const repo = openRepo(remote.fileUrl, workDir);
    const parent = await repo.fetch();
    const sha = (await repo.commit(parent, { 'a.txt': 'a\n' }, 'Add a', {}))!;
    const theirs = remote.push({ 'b.txt': 'b\n' }, 'Add b');
    expect(await repo.push(sha)).toBe('rejected');
    expect(remote.head()).toBe(theirs);
    await repo.fetch();
    expect(await repo.push(sha)).toBe('rejected');
    expect(remote.head()).toBe(theirs);
  });
});

describe('findLastTrailer', () => {
  it('finds the newest first-parent commit with the trailer, key case-insensitive', async () => {
    const applied = remote.push({ 'a.txt': '1\n' }, 'Bot\n\nDockstack-Applied: ' + 'a'.repeat(40));
    git(remote.clone, ['checkout', '--quiet', '-b', 'side']);
    remote.push({ 'side.txt': '1\n' }, 'Side\n\nDockstack-Applied: ' + 'b'.repeat(40));
    git(remote.clone, ['checkout', '--quiet', 'main']);
    git(remote.clone, ['merge', '--quiet', '--no-ff', '-m', 'Merge side', 'side']);
    git(remote.clone, ['push', '--quiet', 'origin', 'main']);
    const commands = Array.from({ length: 230 }, (_, i) => [
      'commit refs/heads/main',
      `committer ${PERSON.name} <${PERSON.email}> ${1_700_000_000 + i} +0000`,
      'data <<END',
      `Change ${i} mentions Dockstack-Applied in its body`,
      '',
      'Dockstack-Applied is not a trailer here.',
      'END',
      '',
    ]);
    git(
      remote.clone,
      ['fast-import', '--quiet'],
      [
        'reset refs/heads/main',
        `from ${git(remote.clone, ['rev-parse', 'HEAD'])}`,
        '',
        ...commands.flat(),
      ].join('\n'),
    );
    git(remote.clone, ['push', '--quiet', 'origin', 'main']);

    const repo = openRepo(remote.fileUrl, workDir);
    const head = await repo.fetch();
    const found = await repo.findLastTrailer(head, 'dockstack-applied');
    expect(found?.sha).toBe(applied);
    expect(found?.trailers).toEqual({ 'Dockstack-Applied': ['a'.repeat(40)] });
    expect(await repo.findLastTrailer(head, 'Dockstack-Result')).toBeUndefined();
  });
});
