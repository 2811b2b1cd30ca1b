import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { committedText, sameAsCommitted } from '../../src/git/committed-file.js';
import { GitError } from '../../src/git/git-error.js';
import { initRepo } from '../../src/git/init-repo.js';
import { git, tempDir } from './git-fixture.js';

const INIT = {
  branch: 'main',
  author: { name: 'dockstack init', email: 'dockstack@localhost' },
  message: 'Start the environment',
};

let dir: ReturnType<typeof tempDir>;
let tree: string;

beforeEach(() => {
  dir = tempDir();
  tree = join(dir.path, 'env');
  mkdirSync(join(tree, 'config'), { recursive: true });
  writeFileSync(join(tree, 'environment.yaml'), 'services: {}\n');
  writeFileSync(join(tree, 'config', 'secrets.sops.yaml'), 'sops: {}\n');
});

afterEach(() => {
  dir.remove();
});

describe('initRepo', () => {
  it('commits everything in the folder on the branch, as the author, and lets a push update the tree', () => {
    initRepo(tree, INIT);
    expect(git(tree, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
    expect(git(tree, ['log', '--format=%an <%ae>|%s'])).toBe(
      'dockstack init <dockstack@localhost>|Start the environment',
    );
    expect(git(tree, ['ls-files']).split('\n')).toEqual([
      'config/secrets.sops.yaml',
      'environment.yaml',
    ]);
    expect(git(tree, ['config', 'receive.denyCurrentBranch'])).toBe('updateInstead');
    // The author is given to the commands, not kept in the repository's config.
    expect(() => git(tree, ['config', '--local', 'user.name'])).toThrow();
  });

  it('refuses a branch that git would read as an option, and makes no repository', () => {
    expect(() => {
      initRepo(tree, { ...INIT, branch: '--bare' });
    }).toThrow(GitError);
    expect(() => git(tree, ['rev-parse', '--git-dir'])).toThrow();
  });
});

describe('the committed files of a working tree', () => {
  beforeEach(() => {
    initRepo(tree, INIT);
  });

  it('reads a file as committed, whatever the working tree holds', () => {
    writeFileSync(join(tree, 'environment.yaml'), 'services: {x: 1}\n');
    expect(committedText(join(tree, 'environment.yaml'))).toBe('services: {}\n');
    expect(committedText(join(tree, 'config', 'secrets.sops.yaml'))).toBe('sops: {}\n');
  });

  it('reads nothing for a file never committed, or outside a working tree', () => {
    writeFileSync(join(tree, 'new.yaml'), 'x: 1\n');
    expect(committedText(join(tree, 'new.yaml'))).toBeUndefined();
    writeFileSync(join(dir.path, 'loose.yaml'), 'x: 1\n');
    expect(committedText(join(dir.path, 'loose.yaml'))).toBeUndefined();
  });

  it('tells whether the files are as committed', () => {
    const paths = ['environment.yaml', 'config/secrets.sops.yaml'];
    expect(sameAsCommitted(tree, paths)).toBe(true);
    writeFileSync(join(tree, 'config', 'secrets.sops.yaml'), 'sops: {changed: true}\n');
    expect(sameAsCommitted(tree, paths)).toBe(false);
    expect(sameAsCommitted(tree, ['environment.yaml'])).toBe(true);
  });

  it('refuses a path outside the tree or read as an option', () => {
    expect(() => sameAsCommitted(tree, ['../environment.yaml'])).toThrow(GitError);
    expect(() => sameAsCommitted(tree, ['--output=/tmp/x'])).toThrow(GitError);
  });
});
