import { checkTrailerKey, checkTrailerValue } from './git-input.js';
import { GitError } from './git-error.js';

/**
 * A commit message as git stores it: `message` with surrounding blank lines and trailing spaces
 * removed, then, after one blank line, a `Key: value` line per trailer, then a newline.
 * Keys and values are checked; the message must not be empty or hold NUL.
 */
export function commitMessage(message: string, trailers: Record<string, string>): string {
  const text = message
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  if (text === '' || text.includes('\0')) {
    throw new GitError('invalid', 'a commit message must not be empty or contain NUL');
  }
  const lines = Object.entries(trailers).map(
    ([key, value]) => `${checkTrailerKey(key)}: ${checkTrailerValue(key, value)}`,
  );
  return lines.length === 0 ? `${text}\n` : `${text}\n\n${lines.join('\n')}\n`;
}
