import { isScalar, Schema, type ScalarTag } from 'yaml';

/** A scalar of a line: its value as YAML 1.2 reads it, where it starts, and a plain one's text. */
export interface LineScalar {
  value: unknown;
  offset: number;
  plain?: string;
}

/** One content line of a block-style YAML file, in the small grammar readBlockYaml accepts. */
export interface BlockLine {
  /** Offset of the line's first character other than a space: its key or its `-`. */
  offset: number;
  indent: number;
  /** The key of a mapping entry; undefined for a sequence item. */
  key?: string;
  /**
   * The entry's value on this line: a scalar, a flow sequence of scalars (`[]`, `[a, b]`), an
   * empty mapping (`{}`), or nothing (the value follows on the next lines, or is empty).
   */
  value?: LineScalar | { items: LineScalar[]; offset: number } | { map: true; offset: number };
  /** Where an empty value is: just after the colon and the spaces that follow it. */
  emptyOffset: number;
}

const LINE =
  /^( *)(?:(- +)|(?:([A-Za-z0-9_][A-Za-z0-9_./-]*)|"([^"\\]*)"|'([^']*)'):(?= |$) *)(.*)$/;
const PLAIN = /^(?:[A-Za-z0-9_./~+]|-[0-9.])[A-Za-z0-9_./:@+=~%-]*(?: +[A-Za-z0-9_./:@+=~%-]+)*$/;
const FLOW_ITEM = /^(?:[A-Za-z0-9_./][A-Za-z0-9_./-]*|"[^"\\[\]{},]*"|'[^'[\]{},]*')$/;
const QUOTED = /^(?:"([^"\\]*)"|'([^']*)')( *)(.*)$/;

/** YAML refuses implicit keys longer than 1024 characters. */
const MAX_KEY = 1000;

/** The tags YAML 1.2's core schema picks plain scalars by (null, bool, int, float), in order. */
const CORE_TAGS = new Schema({ schema: 'core' }).tags.filter(
  (tag): tag is ScalarTag & { test: RegExp } =>
    tag.default === true && tag.collection === undefined && tag.test !== undefined,
);

/**
 * The line of `text` from `start` to `end` (its line break left out), or undefined when it is
 * not in the grammar: a mapping key (plain, or quoted without escapes) followed by a one-line
 * scalar, `[]`, `{}`, a flow sequence of plain or quoted words, or nothing; or `- ` and a scalar.
 * Plain scalars keep to letters, digits and `_./:@+=~%-`, so that no YAML rule but the choice
 * of type (null, bool, number, text) applies to them.
 */
export function blockLine(text: string, start: number, end: number): BlockLine | undefined {
  const match = LINE.exec(text.slice(start, end));
  if (match === null) return undefined;
  const [, spaces = '', dash, plainKey, doubleKey, singleKey, rest = ''] = match;
  const indent = spaces.length;
  const offset = start + indent;
  const restOffset = end - rest.length;
  const key = dash === undefined ? (plainKey ?? doubleKey ?? singleKey ?? '') : undefined;
  if (key !== undefined && key.length > MAX_KEY) return undefined;
  const line: BlockLine = { offset, indent, emptyOffset: restOffset };
  if (key !== undefined) line.key = key;
  if (rest === '' || rest.startsWith('#')) return dash === undefined ? line : undefined;
  const value = lineValue(rest, restOffset);
  if (value === undefined) return undefined;
  line.value = value;
  return line;
}

function lineValue(rest: string, offset: number): BlockLine['value'] {
  const quoted = QUOTED.exec(rest);
  if (quoted !== null) {
    const [, double, single, gap = '', after = ''] = quoted;
    if (!endsLine(gap, after)) return undefined;
    return { value: double ?? single ?? '', offset };
  }
  const { value, after } = splitComment(rest);
  if (after === undefined) return undefined;
  if (value === '{}') return { map: true, offset };
  if (value.startsWith('[') && value.endsWith(']')) return flowItems(value, offset);
  if (!PLAIN.test(value) || /:( |$)/.test(value)) return undefined;
  return { value: plainValue(value), offset, plain: value };
}

function flowItems(value: string, offset: number): BlockLine['value'] {
  const items: LineScalar[] = [];
  const inner = value.slice(1, -1);
  if (inner.trim() === '') return /^ *$/.test(inner) ? { items, offset } : undefined;
  let at = offset + 1;
  for (const part of inner.split(',')) {
    const item = part.replace(/^ +/, '');
    const text = trimSpaces(item);
    if (!FLOW_ITEM.test(text)) return undefined;
    const itemOffset = at + part.length - item.length;
    const quote = text[0] === '"' || text[0] === "'";
    items.push(
      quote
        ? { value: text.slice(1, -1), offset: itemOffset }
        : { value: plainValue(text), offset: itemOffset, plain: text },
    );
    at += part.length + 1;
  }
  return { items, offset };
}

/** The value before a ` #` comment (spaces after it dropped); `after` undefined when unreadable. */
function splitComment(rest: string): { value: string; after?: string } {
  const hash = rest.indexOf('#');
  if (hash === -1) return { value: trimSpaces(rest), after: '' };
  if (rest[hash - 1] !== ' ') return { value: rest };
  return { value: trimSpaces(rest.slice(0, hash)), after: rest.slice(hash) };
}

/** `text` without the spaces at its end (a loop: / +$/ takes quadratic time on long runs). */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') end--;
  return text.slice(0, end);
}

function endsLine(gap: string, after: string): boolean {
  return after === '' || (gap !== '' && after.startsWith('#'));
}

/** A plain scalar's value, typed as YAML 1.2's core schema types it. */
function plainValue(text: string): unknown {
  for (const tag of CORE_TAGS) {
    if (!tag.test.test(text)) continue;
    const value = tag.resolve(text, () => undefined, {});
    return isScalar(value) ? value.value : value;
  }
  return text;
}
