import { isCollection, isMap, isPair, isScalar, type Node } from 'yaml';

/** Keys that would change how a JavaScript program reads the mapping they are in. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** A key found at `offset`, and for a repeated key the offset of its first use. */
export interface KeyAt {
  key: string;
  offset: number;
  first?: number;
}

export interface TreeScan {
  /** Offset of the first collection nested `maxDepth` levels deep (the scan stops there). */
  deep?: number;
  /** Keys that repeat an earlier key of their mapping. */
  duplicates: KeyAt[];
  /** Keys in RESERVED_KEYS, wherever they are. */
  reserved: KeyAt[];
}

/**
 * One walk of a parsed document without recursion. Scalar keys are compared by value, as yaml
 * does; other keys are never equal.
 */
export function scanTree(root: unknown, maxDepth: number): TreeScan {
  const scan: TreeScan = { duplicates: [], reserved: [] };
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isPair(node)) {
      stack.push([node.key, depth], [node.value, depth]);
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth >= maxDepth) return { ...scan, deep: node.range?.[0] ?? 0 };
    if (isMap(node)) {
      const keys = new Map<unknown, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key: unknown = pair.key.value;
        const offset = offsetOf(pair.key);
        const first = keys.get(key);
        if (first === undefined) keys.set(key, offset);
        else scan.duplicates.push({ key: String(key), offset, first });
        if (typeof key === 'string' && RESERVED_KEYS.has(key)) scan.reserved.push({ key, offset });
      }
    }
    for (const item of node.items) stack.push([item, depth + 1]);
  }
  return scan;
}

function offsetOf(node: Node): number {
  return node.range?.[0] ?? 0;
}
