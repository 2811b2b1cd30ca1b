import type { CommitInfo } from './env-repo.js';
import { GitError } from './git-error.js';

const FIELDS = [
  '%H',
  '%P',
  '%an',
  '%ae',
  '%cn',
  '%ce',
  '%aI',
  '%s',
  '%b',
  '%(trailers:only,unfold)',
];

/** The `git log --format` that parseCommitLog reads; use it with `-z`. */
export const COMMIT_LOG_FORMAT = FIELDS.join('%x00');

/**
 * Parses `git log -z --format=COMMIT_LOG_FORMAT` output: NUL between fields and after each
 * commit, so any message text is safe. Commits come back in git's order.
 */
export function parseCommitLog(output: string): CommitInfo[] {
  if (output === '') return [];
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  if (fields.length % FIELDS.length !== 0) {
    throw new GitError(
      'internal',
      `git log output has ${fields.length} fields, not a multiple of ${FIELDS.length}`,
    );
  }
  const commits: CommitInfo[] = [];
  for (let i = 0; i < fields.length; i += FIELDS.length) {
    const [
      sha = '',
      parents = '',
      an = '',
      ae = '',
      cn = '',
      ce = '',
      date = '',
      subject = '',
      body = '',
      trailers = '',
    ] = fields.slice(i, i + FIELDS.length);
    if (!/^[0-9a-f]{40}$/.test(sha))
      throw new GitError('internal', 'git log output is not in the expected format');
    commits.push({
      sha,
      parents: parents === '' ? [] : parents.split(' '),
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      date,
      subject,
      body: body.replace(/\n+$/, ''),
      trailers: parseTrailerLines(trailers),
    });
  }
  return commits;
}

/** `Key: value` lines (as `%(trailers:only,unfold)` prints them) -> key -> values. */
export function parseTrailerLines(text: string): Record<string, string[]> {
  const trailers: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    (trailers[key] ??= []).push(value);
  }
  return trailers;
}

/** The values of trailer `key` on a commit, matching the key case-insensitively as git does. */
export function trailerValues(commit: Pick<CommitInfo, 'trailers'>, key: string): string[] {
  const wanted = key.toLowerCase();
  return Object.entries(commit.trailers)
    .filter(([name]) => name.toLowerCase() === wanted)
    .flatMap(([, values]) => values);
}
