import { isAlias, isMap, isNode, isScalar, type Pair, type YAMLMap } from 'yaml';

import { compareText } from '../../util/compare-text.js';
import { blockItemEnd } from './block-item-end.js';
import { lineIndexAt, sourceLines, type SourceLine } from './source-lines.js';

/** A layout the text edits do not handle (flow style, anchors, keys not at a line's start). */
export class TextEditRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextEditRefused';
  }
}

/** The text being edited, in lines, with the line break it uses. */
export interface EditSource {
  text: string;
  lines: SourceLine[];
  newline: string;
}

export function editSource(text: string): EditSource {
  return { text, lines: sourceLines(text), newline: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** The line and column of a block mapping key; refuses one that does not begin its line. */
export function keyPlace(
  source: EditSource,
  pair: Pair,
  where: string,
): { line: number; column: number } {
  const range = isScalar(pair.key) ? pair.key.range : undefined;
  if (range == null) throw new TextEditRefused(`${where}: the key is not a plain string`);
  const line = lineIndexAt(source.lines, range[0]);
  const column = range[0] - (source.lines[line] as SourceLine).start;
  if ((source.lines[line] as SourceLine).indent !== column) {
    throw new TextEditRefused(`${where} does not begin its line; write it as a block mapping key`);
  }
  return { line, column };
}

/** The pair of `map` whose key reads `key`. */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

/**
 * The block mapping at `node`, or 'empty' when there is none yet (no value, `~`, `null`, `{}`).
 * Refuses aliases, anchors, tags and mappings in flow style with items: editing them in place
 * would change more than the one entry.
 */
export function blockMapOf(node: unknown, where: string): YAMLMap | 'empty' {
  if (isAlias(node)) throw new TextEditRefused(`${where} is an alias; write it out to edit it`);
  if (isNode(node) && (node.anchor !== undefined || node.tag !== undefined)) {
    throw new TextEditRefused(`${where} has an anchor or tag; remove it to edit the entry`);
  }
  if (isScalar(node) && node.value === null) return 'empty';
  if (node === null || node === undefined) return 'empty';
  if (!isMap(node)) throw new TextEditRefused(`${where} is not a mapping`);
  if (node.items.length === 0) return 'empty';
  if (node.flow === true) {
    throw new TextEditRefused(
      `${where} is written in flow style ({...}); write it as a block mapping`,
    );
  }
  return node;
}

/** Offset just after the ':' that ends the key of `pair`. */
export function colonEnd(source: EditSource, pair: Pair, where: string): number {
  const range = isScalar(pair.key) ? pair.key.range : undefined;
  let at = range?.[1] ?? -1;
  while (source.text[at] === ' ' || source.text[at] === '\t') at++;
  if (at < 0 || source.text[at] !== ':')
    throw new TextEditRefused(`${where}: no ':' after the key`);
  return at + 1;
}

/**
 * The text with `block` (lines without their breaks) added as an item of the block mapping
 * `map`: right after the item it sorts after when the keys are sorted, after the last item
 * otherwise; before the first item (and the comments right above it) when it sorts first.
 */
export function insertItem(
  source: EditSource,
  map: YAMLMap,
  key: string,
  block: readonly string[],
  where: string,
): string {
  const keys = map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
  const sorted = keys.every((k, i) => i === 0 || compareText(keys[i - 1] as string, k) <= 0);
  const after = sorted ? keys.findLastIndex((k) => compareText(k, key) < 0) : map.items.length - 1;
  const { text, lines, newline } = source;
  const inserted = block.join(newline);
  if (after >= 0) {
    const pair = map.items[after] as Pair;
    const place = keyPlace(source, pair, `${where}.${keys[after] ?? ''}`);
    const end = (lines[blockItemEnd(lines, place.line, place.column)] as SourceLine).end;
    return text.slice(0, end) + newline + inserted + text.slice(end);
  }
  const first = keyPlace(source, map.items[0] as Pair, `${where}.${keys[0] ?? ''}`);
  let line = first.line;
  while (line > 0) {
    const above = lines[line - 1] as SourceLine;
    if (above.kind !== 'comment' || above.indent < first.column) break;
    line--;
  }
  const start = (lines[line] as SourceLine).start;
  return text.slice(0, start) + inserted + newline + text.slice(start);
}

/**
 * The text with `block` as the value of `pair`, whose value is empty (see blockMapOf): an empty
 * value written on the key's line (`{}`, `~`, `null`) is removed, a comment after it stays.
 */
export function fillItem(
  source: EditSource,
  pair: Pair,
  block: readonly string[],
  where: string,
): string {
  const colon = colonEnd(source, pair, where);
  const range = isNode(pair.value) ? pair.value.range : undefined;
  const valueEnd = range != null && range[1] > range[0] ? range[1] : colon;
  const text = source.text.slice(0, colon) + source.text.slice(valueEnd);
  const newline = text.indexOf('\n', colon);
  const end = newline === -1 ? text.length : newline - (text[newline - 1] === '\r' ? 1 : 0);
  const rest = text.slice(colon, end);
  const keyLine = text.slice(0, colon) + (valueEnd > colon && /^[ \t]*$/.test(rest) ? '' : rest);
  return keyLine + source.newline + block.join(source.newline) + text.slice(end);
}

/** The text without `pair`, an item of a block mapping: its lines and their line breaks. */
export function removeItem(source: EditSource, pair: Pair, where: string): string {
  const { text, lines } = source;
  const place = keyPlace(source, pair, where);
  const last = lines[blockItemEnd(lines, place.line, place.column)] as SourceLine;
  const first = lines[place.line] as SourceLine;
  if (last.next > last.end || place.line === 0) {
    return text.slice(0, first.start) + text.slice(last.next);
  }
  // The item ends the text without a line break: the break before it goes instead.
  return text.slice(0, (lines[place.line - 1] as SourceLine).end) + text.slice(last.end);
}
