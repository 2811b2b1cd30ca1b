import {
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';

import { checkSemantics } from './check-semantics.js';
import { didYouMean } from './did-you-mean.js';
import { locate, type Path, type Target } from './locate.js';
import type { Problem } from './problem.js';
import { Environment } from './schema.js';
import { schemaKeysAt } from './schema-keys.js';

export const DEFAULT_ENV_FILE = 'environment.yaml';
/** Inputs larger than this are refused before parsing. */
export const MAX_BYTES = 5 * 1024 * 1024;
/** Deeper nesting than this is refused; the format itself needs five levels. */
export const MAX_DEPTH = 32;
/** Alias expansions allowed while building the value (guards against alias bombs). */
export const MAX_ALIASES = 1000;

/** At most this many problems are reported; the rest are counted. */
export const MAX_PROBLEMS = 100;

export interface LoadOptions {
  /** The name problems are reported under. */
  file?: string;
  maxBytes?: number;
}

export type LoadResult =
  { ok: true; env: Environment; document: Document } | { ok: false; problems: Problem[] };

/**
 * Parses and validates an environment file. Never throws on bad input: every problem found is
 * returned at once, each with its line and column, sorted by position.
 */
export function loadEnvironment(
  source: string | Uint8Array,
  options: LoadOptions = {},
): LoadResult {
  const file = options.file ?? DEFAULT_ENV_FILE;
  const fail = (line: number, col: number, message: string, hint?: string): LoadResult => ({
    ok: false,
    problems: [withHint({ file, line, col, message }, hint)],
  });

  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const size = typeof source === 'string' ? Buffer.byteLength(source) : source.byteLength;
  if (size > maxBytes) {
    return fail(
      1,
      1,
      `file is ${size} bytes, over the limit of ${maxBytes}`,
      'an environment file is a few kilobytes; is this the right file?',
    );
  }
  let text: string;
  try {
    text =
      typeof source === 'string'
        ? source
        : new TextDecoder('utf-8', { fatal: true }).decode(source);
  } catch {
    return fail(1, 1, 'file is not UTF-8 text', 'save it as UTF-8; is this the right file?');
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control !== null) {
    const lineCounter = new LineCounter();
    parseDocument(text.slice(0, control.index + 1), { lineCounter });
    const { line, col } = lineCounter.linePos(control.index);
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    return fail(
      line,
      col,
      `control character U+${code} in the file`,
      'binary data cannot be an environment file; YAML escapes like "\\t" go inside double quotes',
    );
  }
  if (/^\s*(#[^\n]*\s*)*$/.test(text.replace(/^\uFEFF/, ''))) {
    return fail(1, 1, 'file is empty', 'start from env-repo-example/environment.yaml');
  }

  const lineCounter = new LineCounter();
  // Duplicate keys are found by walkTree in one pass: yaml's own check compares every key of a
  // mapping with every other, which is slow on a mapping of thousands of containers.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    strict: true,
  });
  const yamlErrors = [...doc.errors, ...doc.warnings];
  const exhausted = yamlErrors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (exhausted !== undefined) {
    return { ok: false, problems: [yamlProblem(file, lineCounter, exhausted)] };
  }
  const { deep, duplicates } = walkTree(doc.contents);
  if (yamlErrors.length > 0 || duplicates.length > 0) {
    return {
      ok: false,
      problems: capProblems([
        ...yamlErrors.map((e) => yamlProblem(file, lineCounter, e)),
        ...duplicates.map((offset) => duplicateKeyProblem(file, lineCounter, offset)),
      ]),
    };
  }

  if (deep !== undefined) {
    const { line, col } = lineCounter.linePos(deep);
    return fail(
      line,
      col,
      `nesting deeper than ${MAX_DEPTH} levels`,
      'the environment format needs five levels at most',
    );
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(
      1,
      1,
      `YAML aliases expand too far (${message})`,
      'write the values out instead of nesting aliases',
    );
  }

  const at = (path: Path, target: Target, message: string, hint?: string): Problem =>
    withHint({ file, ...locate(doc, lineCounter, path, target), message }, hint);

  const parsed = Environment.safeParse(value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => zodProblems(issue, value, at));
    return { ok: false, problems: capProblems(problems) };
  }
  const semantic = checkSemantics(parsed.data).map((i) => at(i.path, i.target, i.message, i.hint));
  if (semantic.length > 0) return { ok: false, problems: capProblems(semantic) };
  return { ok: true, env: parsed.data, document: doc };
}

type At = (path: Path, target: Target, message: string, hint?: string) => Problem;

function zodProblems(issue: z.core.$ZodIssue, value: unknown, at: At): Problem[] {
  const path = issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
  const where = path.length === 0 ? 'the file' : path.join('.');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schemaKeysAt(Environment, path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        const hint =
          guess === undefined ? `known keys: ${known.join(', ')}` : `did you mean '${guess}'?`;
        return at([...path, key], 'key', `unknown key '${key}' in ${where}`, hint);
      });
    }
    case 'invalid_key': {
      const name = String(path.at(-1));
      const inner = issue.issues[0]?.message ?? 'invalid key';
      return [
        at(
          path,
          'key',
          `'${name}': ${inner}`,
          'rename it; names become host names, Docker names and file names',
        ),
      ];
    }
    case 'invalid_type': {
      if (valueAt(value, path) === undefined) {
        const field = String(path.at(-1));
        const parent = path.slice(0, -1);
        return [
          at(
            parent,
            'key',
            `missing field '${field}' in ${parent.length === 0 ? 'the file' : parent.join('.')}`,
            `add ${field}: ${describeExpected(issue.expected)}`,
          ),
        ];
      }
      const message = issue.message.startsWith('Invalid input')
        ? `expected ${describeExpected(issue.expected)}`
        : issue.message;
      return [at(path, 'value', `${where}: ${message}`)];
    }
    default:
      return [at(path, 'value', `${where}: ${issue.message}`)];
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'record':
    case 'object':
      return 'a mapping of keys to values';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}

function valueAt(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[segment];
  }
  return v;
}

function yamlProblem(file: string, lineCounter: LineCounter, error: YAMLError): Problem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const message = error.message.split('\n')[0] ?? error.message;
  const hints: Partial<Record<YAMLError['code'], string>> = {
    DUPLICATE_KEY: DUPLICATE_KEY_HINT,
    TAB_AS_INDENT: 'indent with spaces',
    RESOURCE_EXHAUSTION: `the format needs five levels of nesting at most`,
    MULTIPLE_DOCS: 'keep one document in the file',
  };
  return withHint({ file, line, col, message: `YAML: ${message}` }, hints[error.code]);
}

const DUPLICATE_KEY_HINT = 'each key may appear once in a mapping: merge the two entries';

function duplicateKeyProblem(file: string, lineCounter: LineCounter, offset: number): Problem {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, col, message: 'YAML: Map keys must be unique', hint: DUPLICATE_KEY_HINT };
}

/**
 * One walk of the document without recursion: the offset of the first node nested deeper than
 * MAX_DEPTH (the walk stops there), and the offsets of the keys that repeat an earlier key of
 * their mapping (scalar keys compared by value, as yaml does; other keys are never equal).
 */
function walkTree(root: unknown): { deep?: number; duplicates: number[] } {
  const duplicates: number[] = [];
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isPair(node)) {
      stack.push([node.key, depth], [node.value, depth]);
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth >= MAX_DEPTH) return { deep: node.range?.[0] ?? 0, duplicates };
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (keys.has(key)) duplicates.push(pair.key.range?.[0] ?? 0);
        keys.add(key);
      }
    }
    for (const item of node.items) stack.push([item, depth + 1]);
  }
  return { duplicates };
}

function withHint(problem: Problem, hint: string | undefined): Problem {
  return hint === undefined ? problem : { ...problem, hint };
}

/** Sorted by position, each reported once, at most MAX_PROBLEMS of them. */
function capProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((p) => {
      const key = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  if (unique.length <= MAX_PROBLEMS) return unique;
  const last = unique[MAX_PROBLEMS - 1] as Problem;
  const rest = unique.length - MAX_PROBLEMS + 1;
  return [
    ...unique.slice(0, MAX_PROBLEMS - 1),
    { ...last, message: `and ${rest} more problems`, hint: 'fix the ones above first' },
  ];
}
