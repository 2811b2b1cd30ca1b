import { isMap, isNode, isScalar, parseDocument } from 'yaml';

import type { TopLevelSection } from './top-level-sections.js';

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

/** Parses one section of `text` (only its own lines). Throws when they are not valid YAML. */
export function sectionSource(text: string, section: TopLevelSection): SectionSource {
  const source = text.slice(section.start, section.end);
  // yaml's own duplicate-key check compares every key with every other: slow on large files, and
  // the environment's loader has found duplicates already.
  const doc = parseDocument(source, { uniqueKeys: false });
  const error = doc.errors[0];
  if (error !== undefined) throw new Error(`section ${section.key}: ${error.message}`);
  const pair = isMap(doc.contents) ? doc.contents.items[0] : undefined;
  if (pair === undefined || !isScalar(pair.key)) {
    throw new Error(`section ${section.key}: not a single key`);
  }
  let colon = pair.key.range[1];
  while (source[colon] === ' ' || source[colon] === '\t') colon++;
  if (source[colon] !== ':') throw new Error(`section ${section.key}: no ':' after the key`);

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
  return {
    value: isNode(pair.value) ? pair.value.toJS(doc) : null,
    colonEnd: section.start + colon + 1,
    keyLineComment: /^[ \t]+#/.test(rest) ? rest.trimEnd() : '',
  };
}
