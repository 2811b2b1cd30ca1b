import type { SourceLine } from './source-lines.js';

/**
 * Index of the last line of the block mapping item whose key begins line `keyLine` at
 * `keyColumn`: the lines after it indented deeper (blank lines and comments between them
 * included), then the comments right below that are indented deeper too. YAML puts every line of
 * an item's value deeper than its key, so the lines alone tell where the item ends.
 */
export function blockItemEnd(
  lines: readonly SourceLine[],
  keyLine: number,
  keyColumn: number,
): number {
  let last = keyLine;
  for (let i = keyLine + 1; i < lines.length; i++) {
    const line = lines[i] as SourceLine;
    if (line.kind !== 'content') continue;
    if (line.indent <= keyColumn) break;
    last = i;
  }
  for (let i = last + 1; i < lines.length; i++) {
    const line = lines[i] as SourceLine;
    if (line.kind !== 'comment' || line.indent <= keyColumn) break;
    last = i;
  }
  return last;
}
