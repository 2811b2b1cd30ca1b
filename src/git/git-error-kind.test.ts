import { describe, expect, it } from 'vitest';

import { gitErrorKind } from './git-error-kind.js';

describe('gitErrorKind', () => {
  it.each([
    [
      "fatal: unable to access 'https://h/x.git/': Failed to connect to h port 443: Connection refused",
      'unreachable',
    ],
    ["fatal: unable to access 'https://h/x.git/': Could not resolve host: h", 'unreachable'],
    ['fatal: unable to access: Operation too slow. Less than 1 bytes/sec', 'unreachable'],
    ["fatal: unable to access 'https://h/': The requested URL returned error: 502", 'unreachable'],
    ['ssh: connect to host h port 22: Connection timed out', 'unreachable'],
    ['fatal: the remote end hung up unexpectedly', 'unreachable'],
    ["fatal: Authentication failed for 'https://h/x.git/'", 'rejected'],
    [
      'git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'rejected',
    ],
    ['remote: Permission to o/r.git denied to bot.', 'rejected'],
    ["fatal: unable to access 'https://h/': The requested URL returned error: 403", 'rejected'],
    ["fatal: repository 'https://h/x.git/' not found", 'invalid'],
    ["fatal: '/srv/x.git' does not appear to be a git repository", 'invalid'],
    ["fatal: couldn't find remote ref refs/heads/nope", 'invalid'],
    ["fatal: bad revision '^abc'", 'invalid'],
    ['fatal: not a tree object', 'invalid'],
    ['fatal: Needed a single revision', 'invalid'],
    [
      "fatal: could not read Username for 'http://127.0.0.1:9': terminal prompts disabled",
      'rejected',
    ],
    ["fatal: Unable to create '/r/refs/remotes/origin/main.lock': File exists.", 'conflict'],
    ["error: cannot lock ref 'refs/remotes/origin/main'", 'conflict'],
    ['fatal: unable to write new index file', 'internal'],
    ['', 'internal'],
  ])('%j is %s', (stderr, kind) => {
    expect(gitErrorKind(stderr)).toBe(kind);
  });
});
