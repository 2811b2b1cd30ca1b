import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
} from 'yaml';

export type Path = readonly (string | number)[];

/** Where a problem points: at the key of the entry at the path, or at its value. */
export type Target = 'key' | 'value';

export interface Position {
  line: number;
  col: number;
}

/** Finds entries of one document by path. */
export interface Locator {
  /**
   * The line and column of the entry at `path`. When the path does not exist (a missing field),
   * this is the deepest entry that does; `target` picks the key or the value.
   */
  position(path: Path, target: Target): Position;
  /** The text of the plain scalar at `path` as written (`0x1f`, `1e3`); undefined for others. */
  written(path: Path): string | undefined;
}

interface Entry {
  key: unknown;
  value: unknown;
}

/**
 * A locator for `doc`. Each mapping is indexed by its keys the first time a path goes through
 * it, so finding any number of entries costs one pass over the mappings they are in.
 */
export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const indexes = new Map<YAMLMap, Map<string, Entry>>();
  const indexOf = (map: YAMLMap): Map<string, Entry> => {
    let index = indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items) {
        const text = isPair(pair) ? keyText(pair.key) : undefined;
        if (text !== undefined && !index.has(text)) {
          index.set(text, { key: pair.key, value: pair.value ?? pair.key });
        }
      }
      indexes.set(map, index);
    }
    return index;
  };
  const child = (node: unknown, segment: string | number): Entry | undefined => {
    if (isMap(node)) return indexOf(node).get(String(segment));
    if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item !== undefined) return { key: item, value: item };
    }
    return undefined;
  };
  const walk = (path: Path): { entry: Entry | undefined; complete: boolean } => {
    let entry: Entry | undefined;
    let node: unknown = doc.contents;
    for (const segment of path) {
      const next = child(node, segment);
      if (next === undefined) return { entry, complete: false };
      entry = next;
      node = next.value;
    }
    return { entry, complete: true };
  };
  return {
    position(path, target) {
      const { entry } = walk(path);
      const value = entry === undefined ? doc.contents : entry.value;
      const chosen = (
        target === 'key' && entry !== undefined ? entry.key : (value ?? entry?.key)
      ) as Node | null | undefined;
      return lineCounter.linePos(chosen?.range?.[0] ?? 0);
    },
    written(path) {
      const { entry, complete } = walk(path);
      const node = complete ? entry?.value : undefined;
      return isScalar(node) && node.type === Scalar.PLAIN ? node.source : undefined;
    },
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
