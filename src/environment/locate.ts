import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type Path = readonly (string | number)[];

/** Where a problem points: at the key of the entry at the path, or at its value. */
export type Target = 'key' | 'value';

export interface Position {
  line: number;
  col: number;
}

/**
 * The line and column of the entry at `path` in the document. When the path does not exist (a
 * missing field), this is the deepest entry that does; `target` picks the key or the value.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: Path,
  target: Target,
): Position {
  let node: unknown = doc.contents;
  let key: unknown = undefined;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === undefined) break;
    ({ key, value: node } = next);
  }
  const chosen = (target === 'key' && key !== undefined ? key : (node ?? key)) as Node | undefined;
  const offset = chosen?.range?.[0] ?? 0;
  return lineCounter.linePos(offset);
}

function child(
  node: unknown,
  segment: string | number,
): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && keyText(pair.key) === String(segment))
        return { key: pair.key, value: pair.value ?? pair.key };
    }
  } else if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    if (item !== undefined) return { key: item, value: item };
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
