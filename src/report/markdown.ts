/** Text safe inside a markdown table cell or a line of prose: no pipes, no HTML, one line. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .slice(0, 500);
}

/** Inline code that cannot break out of its backticks. */
export function mdCode(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').slice(0, 500);
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${clean}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function mdBlock(language: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Text within `max` characters, marked where it was cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut to fit GitHub’s limit)';
  return max > note.length * 2 ? text.slice(0, max - note.length) + note : text.slice(0, max);
}

/** A commit by its short id, linked to its page when `url` gives one. */
export function mdCommit(sha: string, url?: (sha: string) => string): string {
  const short = mdCode(sha.slice(0, 12));
  return url === undefined ? short : `[${short}](${url(sha)})`;
}
