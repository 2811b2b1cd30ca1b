import { LineCounter, parseDocument, type Document } from 'yaml';

import { createLocator, type Locator } from './locate.js';
import type { Problem } from './problem.js';
import { scanTree, type KeyAt } from './scan-tree.js';
import { quoteText } from './show-value.js';
import { yamlProblem } from './yaml-problem.js';

/** Deeper nesting than this is refused; the format itself needs five levels. */
export const MAX_DEPTH = 32;
/** Alias expansions allowed while building the value (guards against alias bombs). */
export const MAX_ALIASES = 1000;

/**
 * The environment file's YAML document, keys read as the text they are written as. Duplicate
 * keys are left to scanTree, which finds them in one pass: yaml's own check compares every key of
 * a mapping with every other, which is slow on a mapping of thousands of containers.
 */
export function parseEnvironmentDocument(text: string, lineCounter = new LineCounter()): Document {
  return parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    strict: true,
    stringKeys: true,
  });
}

/**
 * Any YAML text read with the yaml library: its value as plain data and where its entries are,
 * or every syntax problem, repeated or reserved key, and the first place nested too deep.
 */
export function readYaml(
  text: string,
  file: string,
): { value: unknown; locator: Locator } | { problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseEnvironmentDocument(text, lineCounter);
  const yamlErrors = [...doc.errors, ...doc.warnings];
  const scan = scanTree(doc.contents, MAX_DEPTH);
  const tooDeep = (offset: number): { problems: Problem[] } => ({
    problems: [
      {
        file,
        ...lineCounter.linePos(offset),
        message: `nesting deeper than ${MAX_DEPTH} levels`,
        hint: 'the environment format needs five levels at most',
      },
    ],
  });
  const exhausted = yamlErrors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (exhausted !== undefined) {
    // The parser ran out of stack: the levels it did build show where the nesting went too deep.
    return tooDeep(scan.deep ?? exhausted.pos[0]);
  }
  const keyProblem = (key: KeyAt, message: string, hint: string): Problem => ({
    file,
    ...lineCounter.linePos(key.offset),
    message,
    hint,
  });
  const problems = [
    ...yamlErrors.map((e) => yamlProblem(file, doc, lineCounter, e)),
    ...scan.duplicates.map((key) =>
      keyProblem(
        key,
        `YAML: Map keys must be unique: ${quoteText(key.key)} is already on line ${lineCounter.linePos(key.first ?? 0).line}`,
        'each key may appear once in a mapping: merge the two entries',
      ),
    ),
    ...scan.reserved.map((key) =>
      keyProblem(
        key,
        `key ${quoteText(key.key)} is not allowed`,
        'rename it: __proto__, constructor and prototype cannot be names of services, containers, hosts, parameters or fields',
      ),
    ),
  ];
  if (problems.length > 0) return { problems };
  if (scan.deep !== undefined) return tooDeep(scan.deep);
  try {
    return {
      value: doc.toJS({ maxAliasCount: MAX_ALIASES }),
      locator: createLocator(doc, lineCounter),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      problems: [
        {
          file,
          line: 1,
          col: 1,
          message: `YAML aliases expand too far (${message})`,
          hint: 'write the values out instead of nesting aliases',
        },
      ],
    };
  }
}
