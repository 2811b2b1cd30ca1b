import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

import { ServiceName } from '../environment/schema.js';

/** A Puppet class name: lowercase segments joined by `::`, optionally anchored with a leading `::`. */
export const PUPPET_CLASS_NAME = /^(::)?[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/;

const ClassName = z
  .string()
  .regex(PUPPET_CLASS_NAME, 'expected a Puppet class name such as ::contrail::common');

/**
 * The Puppet classes of each service (or external role), in declaration order; no entry, an empty
 * list or an empty value means the service's containers get no node block.
 */
export const ClassMap = z.record(
  ServiceName,
  z
    .array(ClassName)
    .nullable()
    .transform((classes) => classes ?? [])
    .refine((classes) => new Set(classes).size === classes.length, {
      message: 'a class is listed twice (Puppet refuses a duplicate declaration)',
    }),
);

export type ClassMap = z.output<typeof ClassMap>;

/**
 * Parses and validates a class map. Throws one error listing every problem, each as
 * `FILE:LINE:COL: message`.
 */
export function parseClassMap(text: string, file: string): ClassMap {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new Error(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message}`).join('\n'));
  }
  const result = ClassMap.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const isKey = issue.code === 'invalid_key';
    const message = isKey ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    const where = issue.path.length === 0 ? '' : ` (at ${issue.path.map(String).join('.')})`;
    return `${at(offsetOf(doc, issue.path, isKey))}: ${message}${where}`;
  });
  throw new Error(`invalid class map:\n${problems.join('\n')}`);
}

/** Where the value (or, with `key`, the key) at `path` starts in the source. */
function offsetOf(doc: Document, path: readonly PropertyKey[], key: boolean): number {
  const node: unknown = key ? doc.getIn(path.slice(0, -1), true) : doc.getIn(path, true);
  if (key && isMap(node)) {
    const last = path.at(-1);
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === last);
    return isNode(pair?.key) ? (pair.key.range?.[0] ?? 0) : 0;
  }
  return isNode(node) ? (node.range?.[0] ?? 0) : 0;
}
