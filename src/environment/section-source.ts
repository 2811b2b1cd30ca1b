import { isMap, isNode, isScalar, parseDocument } from 'yaml';

import { LayoutError, type TopLevelSection } from './top-level-sections.js';

/** A top-level section parsed: its value and where the text after its key begins. */
export interface SectionSource {
  /** The value as plain data (null for a key with no value). */
  value: unknown;
  /** Offset in the whole text just after the `:` that ends the key. */
  colonEnd: number;
  /**
   * A comment on the key's line, after the colon or after a value that ends on that line, with
   * the blanks before it; '' when none.
   */
  keyLineComment: string;
}

/**
 * Parses one section of `text` (only its own lines). Throws a LayoutError when they are not valid
 * YAML on their own (an alias to an anchor in another section, say).
 */
export function sectionSource(text: string, section: TopLevelSection): SectionSource {
  const source = text.slice(section.start, section.end);
  // yaml's own duplicate-key check compares every key with every other: slow on large files, and
  // the environment's loader has found duplicates already.
  const doc = parseDocument(source, { uniqueKeys: false });
  const error = doc.errors[0];
  const fail = (message: string, at = 0) =>
    new LayoutError(`section ${section.key}: ${message}`, section.start + at);
  if (error !== undefined) throw fail(error.message, error.pos[0]);
  const pair = isMap(doc.contents) ? doc.contents.items[0] : undefined;
  if (pair === undefined || !isScalar(pair.key)) throw fail('not a single key');
  let colon = pair.key.range[1];
  while (source[colon] === ' ' || source[colon] === '\t') colon++;
  if (source[colon] !== ':') throw fail("no ':' after the key");

  const newline = source.indexOf('\n');
  const keyLineEnd =
    newline === -1 ? source.length : newline - (source[newline - 1] === '\r' ? 1 : 0);
  const range = isNode(pair.value) ? pair.value.range : undefined;
  const onKeyLine = range != null && range[1] > range[0] && range[0] < keyLineEnd;
  const rest = !onKeyLine
    ? source.slice(colon + 1, keyLineEnd)
    : range[1] <= keyLineEnd
      ? source.slice(range[1], keyLineEnd)
      : '';
  let value: unknown = null;
  try {
    if (isNode(pair.value)) value = pair.value.toJS(doc);
  } catch (error) {
    // An alias whose anchor is in another section.
    throw fail(error instanceof Error ? error.message : String(error), range?.[0] ?? 0);
  }
  return {
    value,
    colonEnd: section.start + colon + 1,
    keyLineComment: /^[ \t]+#/.test(rest) ? rest.trimEnd() : '',
  };
}
