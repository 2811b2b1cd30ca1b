import { LineCounter } from 'yaml';

import { blockLine, type BlockLine, type LineScalar } from './block-yaml-line.js';
import type { Locator, Path } from './locate.js';
import { RESERVED_KEYS } from './scan-tree.js';

/** What readBlockYaml read: the top-level mapping as plain data, and where its entries are. */
export interface BlockYaml {
  value: Record<string, unknown>;
  locator: Locator;
}

/**
 * Where an entry is: its key (its item, in a sequence), its value, a plain scalar's text, and
 * the places of the entries of a mapping or sequence (`list`) value.
 */
interface Place {
  key: number;
  value: number;
  plain?: string;
  entries?: Places;
  list?: boolean;
}

/** The places of a container's entries, by key or index (read with Object.hasOwn). */
type Places = Record<string | number, Place | undefined>;

function newPlaces(): Places {
  return {};
}

type Container = Record<string, unknown> | unknown[];

interface Frame {
  indent: number;
  container: Container;
  places: Places;
  /** A sequence written at the indentation of the key it belongs to (`key:` then `- item`). */
  atKeyIndent: boolean;
}

/**
 * Reads `text` in one pass over its lines when it keeps to the block style environment files are
 * written in: mappings and sequences by indentation, one entry a line (see blockLine), comments.
 * Gives the value yaml gives (with keys read as text) and places entries where yaml does; the
 * yaml library is several times slower on large files. Undefined for anything else (anchors,
 * tags, block scalars, escapes, flow mappings, tabs, a repeated or reserved key, nesting near
 * `maxDepth`, errors): the caller then parses with yaml, which also explains what is wrong.
 */
export function readBlockYaml(text: string, maxDepth: number): BlockYaml | undefined {
  if (text.includes('\t') || text.startsWith('\uFEFF')) return undefined;
  const lineCounter = new LineCounter();
  const rootPlaces = newPlaces();
  const stack: Frame[] = [];
  let root: Record<string, unknown> | undefined;
  let rootOffset = 0;
  let pending: { frame: Frame; key: string; line: BlockLine } | undefined;

  /** Ends the pending `key:` line: `line` opens its block value, or the value is empty. */
  const settle = (line: BlockLine | undefined): boolean => {
    if (pending === undefined) return true;
    const { frame, key, line: keyLine } = pending;
    const map = frame.container as Record<string, unknown>;
    pending = undefined;
    const opens =
      line !== undefined &&
      (line.indent > frame.indent || (line.indent === frame.indent && line.key === undefined));
    if (!opens) {
      map[key] = null;
      frame.places[key] = { key: keyLine.offset, value: keyLine.emptyOffset, plain: '' };
      return true;
    }
    if (stack.length >= maxDepth - 1) return false;
    const container: Container = line.key === undefined ? [] : {};
    const places = newPlaces();
    map[key] = container;
    const list = line.key === undefined;
    frame.places[key] = { key: keyLine.offset, value: line.offset, entries: places, list };
    stack.push({
      indent: line.indent,
      container,
      places,
      atKeyIndent: line.indent === frame.indent,
    });
    return true;
  };

  const place = (line: BlockLine): boolean => {
    if (!settle(line)) return false;
    let top = stack.at(-1);
    while (
      top !== undefined &&
      (line.indent < top.indent ||
        (top.atKeyIndent && line.indent === top.indent && line.key !== undefined))
    ) {
      stack.pop();
      top = stack.at(-1);
    }
    if (top === undefined || line.indent !== top.indent) return false;
    const { container, places } = top;
    if (Array.isArray(container)) {
      const item = line.value;
      if (line.key !== undefined || item === undefined || !('value' in item)) return false;
      places[container.length] = scalarPlace(item, item.offset);
      container.push(item.value);
      return true;
    }
    const key = line.key;
    if (key === undefined || Object.hasOwn(container, key) || RESERVED_KEYS.has(key)) return false;
    if (line.value === undefined) {
      pending = { frame: top, key, line };
      return true;
    }
    if ('value' in line.value) {
      container[key] = line.value.value;
      places[key] = scalarPlace(line.value, line.offset);
    } else {
      if (stack.length >= maxDepth - 1) return false;
      const entries = newPlaces();
      const list = !('map' in line.value);
      places[key] = { key: line.offset, value: line.value.offset, entries, list };
      container[key] =
        'map' in line.value
          ? {}
          : line.value.items.map((item, i) => {
              entries[i] = scalarPlace(item, item.offset);
              return item.value;
            });
    }
    return true;
  };

  for (let start = 0; start < text.length;) {
    lineCounter.addNewLine(start);
    const newline = text.indexOf('\n', start);
    const next = newline === -1 ? text.length : newline + 1;
    const end = newline === -1 ? text.length : newline - (text[newline - 1] === '\r' ? 1 : 0);
    let first = start;
    while (first < end && text[first] === ' ') first++;
    if (first < end && text[first] !== '#') {
      const line = blockLine(text, start, end);
      if (line === undefined) return undefined;
      if (root === undefined) {
        if (line.indent !== 0 || line.key === undefined) return undefined;
        root = {};
        rootOffset = line.offset;
        stack.push({ indent: 0, container: root, places: rootPlaces, atKeyIndent: false });
      }
      if (!place(line)) return undefined;
    }
    start = next;
  }
  if (text.endsWith('\n')) lineCounter.addNewLine(text.length);
  if (root === undefined || !settle(undefined)) return undefined;
  return { value: root, locator: blockLocator(rootPlaces, rootOffset, lineCounter) };
}

function scalarPlace(scalar: LineScalar, keyOffset: number): Place {
  const place: Place = { key: keyOffset, value: scalar.offset };
  if (scalar.plain !== undefined) place.plain = scalar.plain;
  return place;
}

/** Finds entries by walking the places, as createLocator walks the yaml document. */
function blockLocator(rootPlaces: Places, rootOffset: number, lineCounter: LineCounter): Locator {
  const walk = (path: Path): { place: Place | undefined; complete: boolean } => {
    let places: Places | undefined = rootPlaces;
    let place: Place | undefined;
    for (const segment of path) {
      const skip = place?.list === true && typeof segment !== 'number';
      const next: Place | undefined =
        places !== undefined && !skip && Object.hasOwn(places, segment)
          ? places[segment]
          : undefined;
      if (next === undefined) return { place, complete: false };
      place = next;
      places = next.entries;
    }
    return { place, complete: true };
  };
  return {
    position(path, target) {
      const { place } = walk(path);
      const offset = place === undefined ? rootOffset : target === 'key' ? place.key : place.value;
      return lineCounter.linePos(offset);
    },
    written(path) {
      const { place, complete } = walk(path);
      return complete ? place?.plain : undefined;
    },
  };
}
