import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadEnvironment } from '../../src/environment/load-environment.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startGitHttpServer } from '../gitserver/git-http-server.js';
import { ROOT } from './run-dockstack.js';
import { runDockstackAsync } from './run-dockstack-async.js';
import { CREATE_WEBUI2 } from './seed-edits.js';

const SEED = readFileSync(join(ROOT, 'test/fixtures/seed-environment.yaml'), 'utf8');
/** Variables that would change what the commands do, removed from their environment. */
const CLEAN = {
  DOCKSTACK_REPO: undefined,
  DOCKSTACK_BRANCH: undefined,
  DOCKSTACK_ENV_PATH: undefined,
  DOCKSTACK_AUTHOR_NAME: undefined,
  DOCKSTACK_AUTHOR_EMAIL: undefined,
  GITHUB_TOKEN: undefined,
  DOCKSTACK_GITHUB_TOKEN_FILE: undefined,
  DOCKSTACK_GITHUB_APP_ID: undefined,
};

let dir: ReturnType<typeof tempDir>;
let remote: RemoteFixture;

beforeEach(() => {
  dir = tempDir();
  remote = createRemote(dir.path, { 'environment.yaml': SEED, 'README.md': 'env\n' });
});

afterEach(() => {
  dir.remove();
});

const dockstack = (args: readonly string[], env: Record<string, string | undefined> = {}) =>
  runDockstackAsync(args, { ...CLEAN, ...env });

/** The lines a commit adds and removes in environment.yaml, as `+line` and `-line`. */
function changedLines(commit: string): string[] {
  return git(remote.bare, ['diff', '--unified=0', `${commit}^`, commit, '--', 'environment.yaml'])
    .split('\n')
    .filter((line) => /^[+-](?![+-]{2} )/.test(line));
}

function fileAt(commit: string): string {
  return git(remote.bare, ['show', `${commit}:environment.yaml`]);
}

/** Expects exactly one new commit on main, on top of `before`, touching only environment.yaml. */
function oneCommitOn(before: string): string {
  const head = remote.head();
  expect(git(remote.bare, ['rev-list', `${before}..${head}`]).split('\n')).toEqual([head]);
  expect(git(remote.bare, ['diff', '--name-only', before, head])).toBe('environment.yaml');
  const loaded = loadEnvironment(`${fileAt(head)}\n`);
  expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  return head;
}

function refs(): string {
  return git(remote.bare, ['for-each-ref', '--format=%(refname) %(objectname)']);
}

describe('dockstack create, remove, start, stop (against a real bare repository)', () => {
  it("create pushes one commit that adds exactly the seed's webui2", async () => {
    const before = remote.head();
    const run = await dockstack([...CREATE_WEBUI2, '--repo', remote.bare]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const head = oneCommitOn(before);
    expect(run.stdout).toBe(
      `Pushed ${head.slice(0, 12)} to main: Create webui2 (webui) on 192.168.99.2\n`,
    );
    expect(changedLines(head)).toEqual(['+    webui2:', '+      host: 192.168.99.2']);
    expect(`${fileAt(head)}\n`).toBe(`${SEED}    webui2:\n      host: 192.168.99.2\n`);
    expect(git(remote.bare, ['log', '-1', '--format=%an <%ae>|%s', head])).toBe(
      'dockstack <dockstack@localhost>|Create webui2 (webui) on 192.168.99.2',
    );
  });

  it('create writes every setting; --json, --message and the author come from flags or variables', async () => {
    const before = remote.head();
    const run = await dockstack(
      [
        'create',
        'dns3',
        '--service=dns',
        '--host=192.168.99.2',
        '--ip=10.0.0.3/16',
        '--gateway=10.0.0.100',
        '--mac=de:ad:be:ef:ba:13',
        '--tag=2.1',
        '--message',
        'A third DNS server',
        '--author-name',
        'Alice',
        '--json',
      ],
      { DOCKSTACK_REPO: remote.fileUrl, DOCKSTACK_AUTHOR_EMAIL: 'alice@example.org' },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const head = oneCommitOn(before);
    expect(JSON.parse(run.stdout)).toEqual({
      action: 'create',
      name: 'dns3',
      commit: head,
      branch: 'main',
    });
    expect(changedLines(head)).toEqual([
      '+    dns3:',
      '+      host: 192.168.99.2',
      '+      ipaddress: 10.0.0.3/16',
      '+      gateway: 10.0.0.100',
      '+      macAddress: de:ad:be:ef:ba:13',
      '+      tag: "2.1"',
    ]);
    expect(git(remote.bare, ['log', '-1', '--format=%an <%ae>|%s', head])).toBe(
      'Alice <alice@example.org>|A third DNS server',
    );
  });

  it('stop, start and remove each push one commit of exactly their lines', async () => {
    const repo = ['--repo', remote.bare];
    const steps: [string[], string, string[]][] = [
      [['stop', 'dns2'], 'Stop dns2 (dns) on 192.168.99.2', ['+      state: stopped']],
      [['start', 'dns2'], 'Start dns2 (dns) on 192.168.99.2', ['-      state: stopped']],
      [
        ['remove', 'dns2'],
        'Remove dns2 (dns) from 192.168.99.2',
        [
          '-    dns2:',
          '-      gateway: 10.0.0.100',
          '-      host: 192.168.99.2',
          '-      ipaddress: 10.0.0.2/16',
          '-      macAddress: de:ad:be:ef:ba:12',
        ],
      ],
      [
        ['remove', 'webui1'],
        'Remove webui1 (webui) from 192.168.99.2',
        ['-  webui:', '-    webui1:', '-      host: 192.168.99.2', '+  webui: {}'],
      ],
    ];
    for (const [args, subject, lines] of steps) {
      const before = remote.head();
      const run = await dockstack([...args, ...repo]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const head = oneCommitOn(before);
      expect(git(remote.bare, ['log', '-1', '--format=%s', head])).toBe(subject);
      expect(changedLines(head)).toEqual(lines);
    }
  });

  it('retry pushes one empty commit on the head, with --json; a bad branch pushes nothing', async () => {
    const before = remote.head();
    const run = await dockstack(['retry', '--repo', remote.bare, '--json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const head = remote.head();
    expect(git(remote.bare, ['rev-list', `${before}..${head}`])).toBe(head);
    expect(git(remote.bare, ['diff', '--name-only', before, head])).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      action: 'retry',
      commit: head,
      branch: 'main',
      subject: `Retry the environment at ${before.slice(0, 12)}`,
    });
    const refsBefore = refs();
    const bad = await dockstack(['retry', '--repo', remote.bare, '--branch', '-x']);
    expect(bad.code).toBe(2);
    expect(refs()).toBe(refsBefore);
  });

  it('start of a running container changes nothing and exits 0', async () => {
    const before = remote.head();
    const run = await dockstack(['start', 'dns1', '--repo', remote.bare]);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'dns1 is running in the environment already: nothing to commit\n',
    });
    expect(remote.head()).toBe(before);
  });

  it('--dry-run prints the diff and changes nothing', async () => {
    const before = refs();
    const run = await dockstack([...CREATE_WEBUI2, '--repo', remote.bare, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        '--- a/environment.yaml',
        '+++ b/environment.yaml',
        '@@ -66,3 +66,5 @@',
        '   webui:',
        '     webui1:',
        '       host: 192.168.99.2',
        '+    webui2:',
        '+      host: 192.168.99.2',
        '',
      ].join('\n'),
    );
    expect(refs()).toBe(before);
  });

  it.each([
    [
      'a name that reads as an option',
      ['remove', '--repo', 'REPO', '--', '-x'],
      /container name "-x" refused/,
    ],
    ['a name that is a path', ['stop', '..', '--repo', 'REPO'], /container name "\.\." refused/],
    [
      'an unknown container',
      ['remove', 'webui9', '--repo', 'REPO'],
      /there is no container webui9 .*did you mean webui1/,
    ],
    [
      'a name in use',
      ['create', 'dns1', '--service', 'webui', '--host', '192.168.99.2', '--repo', 'REPO'],
      /container dns1 exists already, in services\.dns/,
    ],
    [
      'an address in use',
      [...CREATE_WEBUI2, '--ip', '10.0.0.1/16', '--repo', 'REPO'],
      /would be invalid\nenvironment\.yaml:71:18: IP address 10\.0\.0\.1 is already given to services\.dns\.dns1/,
    ],
    [
      'a missing --host',
      ['create', 'webui2', '--service', 'webui', '--repo', 'REPO'],
      /required option '--host <host>' not specified/,
    ],
    ['an unknown flag', ['stop', 'dns1', '--force', '--repo', 'REPO'], /unknown option '--force'/],
    [
      'a branch git would misread',
      ['stop', 'dns1', '--branch', '--upload-pack=x', '--repo', 'REPO'],
      /branch "--upload-pack=x" refused/,
    ],
    ['no repository', ['stop', 'dns1'], /give the env repo with --repo or DOCKSTACK_REPO/],
    [
      '--pr without GitHub credentials',
      ['stop', 'dns1', '--pr', '--repo', 'REPO'],
      /--pr opens a pull request on GitHub: give a token with --github-token-file or GITHUB_TOKEN/,
    ],
  ])('exits 2 on %s, and nothing is committed or pushed', async (_, args, message) => {
    const before = refs();
    const run = await dockstack(args.map((arg) => (arg === 'REPO' ? remote.bare : arg)));
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(refs()).toBe(before);
  });

  it('prints the problems as JSON with --json when refusing', async () => {
    const args = ['create', 'webui2', '--service', 'webui', '--host', '192.168.99.2'];
    const run = await dockstack([...args, '--ip', '10.0.0.1/16', '--repo', remote.bare, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      action: 'create',
      name: 'webui2',
      error: 'the edited environment.yaml would be invalid',
      problems: [
        {
          file: 'environment.yaml',
          line: 71,
          col: 18,
          message: 'IP address 10.0.0.1 is already given to services.dns.dns1',
        },
      ],
    });
  });
});

describe('edits over smart HTTP', () => {
  it('a push that loses a race is made again on the new head: both commits end up on main', async () => {
    const server = await startGitHttpServer(dir.path);
    try {
      const start = remote.head();
      let theirs = '';
      server.beforeNextPush(() => {
        theirs = remote.push(
          {
            'environment.yaml': SEED.replace('  cassandra:\n', '  # the database\n  cassandra:\n'),
          },
          'Comment on cassandra',
        );
      });
      const run = await dockstack([...CREATE_WEBUI2, '--repo', server.url('env.git')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const head = remote.head();
      expect(
        git(remote.bare, ['rev-list', '--first-parent', `${start}..${head}`]).split('\n'),
      ).toEqual([head, theirs]);
      expect(changedLines(head)).toEqual(['+    webui2:', '+      host: 192.168.99.2']);
      expect(`${fileAt(head)}\n`).toBe(
        `${SEED.replace('  cassandra:\n', '  # the database\n  cassandra:\n')}    webui2:\n      host: 192.168.99.2\n`,
      );
    } finally {
      await server.stop();
    }
  });

  it('exits 1 when the remote is unreachable', async () => {
    const server = await startGitHttpServer(dir.path);
    const url = server.url('env.git');
    await server.stop();
    const before = refs();
    const run = await dockstack(['stop', 'dns1', '--repo', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^dockstack: git fetch failed: .*(Failed to connect|Could not connect|refused)/i,
    );
    expect(refs()).toBe(before);
  });
});
