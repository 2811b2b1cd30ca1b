import type { GitErrorKind } from './git-error.js';

/** git's messages that say what went wrong, most specific first; matched case-insensitively. */
const PATTERNS: readonly (readonly [GitErrorKind, RegExp])[] = [
  ['conflict', /unable to create '.*\.lock'|cannot lock ref|is at .* but expected/],
  [
    'rejected',
    /authentication failed|permission denied \(|permission to .* denied|could not read username|returned error: 40[13]/,
  ],
  ['rejected', /\[remote rejected\]|pre-receive hook declined|protected branch/],
  ['invalid', /repository .* not found|does not appear to be a git repository|returned error: 404/],
  ['invalid', /couldn't find remote ref|not a valid object name|bad object|bad revision/],
  ['invalid', /not a tree object|unknown revision|invalid object name|needed a single revision/],
  [
    'unreachable',
    /could not resolve (host|proxy)|failed to connect|connection (refused|reset|timed out)|timed out/,
  ],
  [
    'unreachable',
    /operation too slow|empty reply|remote end hung up|early eof|returned error: 5\d\d/,
  ],
  ['unreachable', /network is unreachable|no route to host|could not read from remote repository/],
  ['unreachable', /unable to access|ssl_connect|gnutls_handshake|rpc failed/],
];

/** The kind of a git failure, from git's stderr. */
export function gitErrorKind(stderr: string): GitErrorKind {
  const text = stderr.toLowerCase();
  for (const [kind, pattern] of PATTERNS) if (pattern.test(text)) return kind;
  return 'internal';
}
