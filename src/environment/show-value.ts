import { isWellFormed } from './patterns.js';

/** Longest text an error message quotes whole. */
const MAX_SHOWN = 100;

/**
 * `value` as an error message names it: text in quotes (shortened when long, the password of a
 * URL masked), a number or boolean as `written` in the file (or as read), a list, mapping or
 * empty value by its kind.
 */
export function showValue(value: unknown, written?: string): string {
  if (typeof value === 'string') return quoteText(maskUrlPassword(value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return written ?? String(value);
  }
  if (value === null || value === undefined) return 'an empty value';
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/**
 * `text` in single quotes, or as a JSON string when it holds quotes, backslashes, unprintables or
 * half of a surrogate pair.
 */
export function quoteText(text: string): string {
  const short = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
  // eslint-disable-next-line no-control-regex -- control characters are what must not go out raw
  return /['\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(short) || !isWellFormed(short)
    ? JSON.stringify(short)
    : `'${short}'`;
}

/** `scheme://user:password@host` with the password masked. */
function maskUrlPassword(text: string): string {
  return text.replace(/:\/\/([^/\s:@]*):[^@\s/]+@/g, '://$1:***@');
}
