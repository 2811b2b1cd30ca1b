import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';

import type { Problem } from '../environment/problem.js';

/** The key of the metadata block at the top of a SOPS file. */
export const SOPS_KEY = 'sops';

/** A value of a SOPS tree: its keys from the top (list items share their list's path). */
export interface TreeLeaf {
  path: string[];
  node: Scalar;
}

/** Something in the document that holds comments: a node, or the document itself. */
interface Commented {
  commentBefore?: string | null;
  comment?: string | null;
}

/**
 * A place comments sit, with the paths whose additional data sops may have encrypted them with:
 * the innermost mapping or list first, then each one around it (sops's YAML reader attaches a
 * comment to the mapping it finds it in, which is not always the one the yaml library does).
 */
export interface CommentSlot {
  owner: Commented;
  field: 'commentBefore' | 'comment';
  paths: string[][];
}

/** Where a key or value the format does not allow is, by its offset in the text. */
export interface TreeRefusal {
  offset: number;
  message: string;
  hint: string;
}

/** Refusals as problems of `file`, each at the line and column `at` gives for its offset. */
export function refusalProblems(
  file: string,
  at: (offset: number) => { line: number; col: number },
  refusals: readonly TreeRefusal[],
): Problem[] {
  return refusals.map((r) => ({ file, ...at(r.offset), message: r.message, hint: r.hint }));
}

export interface SopsTree {
  leaves: TreeLeaf[];
  comments: CommentSlot[];
  /** The value of the top-level `sops` key, when there is one. */
  metadata?: Node;
  refusals: TreeRefusal[];
}

/**
 * The values of a SOPS YAML document in the order sops walks them (the order they are written,
 * the `sops` block left out), with the places its comments sit.
 */
export function sopsTree(doc: Document): SopsTree {
  const tree: SopsTree = { leaves: [], comments: [], refusals: [] };
  const slots = (owner: Commented, path: readonly string[]) => {
    const paths = [...Array(path.length + 1).keys()].map((n) => path.slice(0, path.length - n));
    for (const field of ['commentBefore', 'comment'] as const) {
      if (typeof owner[field] === 'string' && owner[field] !== '') {
        tree.comments.push({ owner, field, paths });
      }
    }
  };
  const refuse = (node: Node | null | undefined, message: string, hint: string) => {
    tree.refusals.push({ offset: node?.range?.[0] ?? 0, message, hint });
  };
  const walk = (node: unknown, path: string[], top: boolean): void => {
    if (isAlias(node)) {
      refuse(node, 'an alias (*name) in a SOPS file', 'write the value out in full');
      return;
    }
    if (isMap(node)) {
      slots(node, top ? [] : path);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        // A key set by code (doc.setIn) is plain text, not yet a node.
        const key: unknown = pair.key;
        const name = isScalar(key) ? key.value : key;
        if (typeof name !== 'string') {
          refuse(
            isScalar(key) ? key : null,
            'a key that is not text',
            'write the key as plain text',
          );
          continue;
        }
        if (isScalar(key)) slots(key, path);
        if (top && name === SOPS_KEY) {
          if (pair.value !== null) tree.metadata = pair.value as Node;
          continue;
        }
        const value = pair.value as Node | null;
        if (isScalar(value)) {
          slots(value, path);
          tree.leaves.push({ path: [...path, name], node: value });
        } else {
          walk(value, [...path, name], false);
        }
      }
      return;
    }
    if (isSeq(node)) {
      slots(node, path);
      for (const item of node.items) {
        if (isScalar(item)) {
          slots(item, path);
          tree.leaves.push({ path, node: item });
        } else {
          walk(item, path, false);
        }
      }
      return;
    }
    if (isScalar(node) && top) {
      if (node.value !== null) {
        refuse(node, 'the document is a single value', 'a SOPS file is a mapping of keys');
      }
    }
  };
  slots(doc, []);
  walk(doc.contents, [], true);
  return tree;
}
