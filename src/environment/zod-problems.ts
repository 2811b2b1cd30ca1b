import type { z } from 'zod';

import { didYouMean } from './did-you-mean.js';
import { FREE_TEXT } from './patterns.js';
import type { Locator, Path, Target } from './locate.js';
import { Environment } from './schema.js';
import { schemaKeysAt } from './schema-keys.js';
import { isSecretPath } from './secret-path.js';
import { quoteText, showValue } from './show-value.js';

/** A problem at an entry of the file, before it gets its file name, line and column. */
export interface EntryProblem {
  path: Path;
  target: Target;
  message: string;
  hint?: string;
}

/**
 * What a schema issue means for the person editing the file: the field, what it should hold and,
 * for a value, the value found (never a secret's).
 */
export function zodProblems(
  issue: z.core.$ZodIssue,
  value: unknown,
  locator: Locator,
): EntryProblem[] {
  const path = issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
  const where = path.length === 0 ? 'the file' : path.join('.');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schemaKeysAt(Environment, path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        const hint =
          guess === undefined ? `known keys: ${known.join(', ')}` : `did you mean '${guess}'?`;
        return {
          path: [...path, key],
          target: 'key',
          message: `unknown key ${quoteText(key)} in ${where}`,
          hint,
        };
      });
    }
    case 'invalid_key': {
      const name = String(path.at(-1));
      const inner = issue.issues[0]?.message ?? 'invalid key';
      const parameter = path[0] === 'common' && path[1] === 'parameters';
      return [
        {
          path,
          target: 'key',
          message: `${quoteText(name)}: ${inner}`,
          hint: parameter
            ? 'rename it; parameter names are written into site.pp and Hiera, on one line'
            : 'rename it; names become host names, Docker names and file names',
        },
      ];
    }
    case 'invalid_type': {
      const found = valueAt(value, path);
      if (found === undefined) {
        const field = String(path.at(-1));
        const parent = path.slice(0, -1);
        return [
          {
            path: parent,
            target: 'key',
            message: `missing field '${field}' in ${parent.length === 0 ? 'the file' : parent.join('.')}`,
            hint: `add ${field}: ${describeExpected(issue.expected)}`,
          },
        ];
      }
      const expected = `expected ${describeExpected(issue.expected)}`;
      return [valueProblem(path, found, expected, locator, quoteHint(issue.expected, found), true)];
    }
    case 'invalid_union': {
      // A branch whose type fits the value, failing a finer check: that check is what is wrong.
      const [fits] =
        issue.errors.find((errors) => errors.every((e) => e.code !== 'invalid_type')) ?? [];
      if (fits !== undefined) {
        const found = valueAt(value, path);
        return [valueProblem(path, found, fits.message, locator, formatHint(fits))];
      }
      const expected = issue.errors.flatMap((errors) =>
        errors.flatMap((e) => (e.code === 'invalid_type' ? [e.expected] : [])),
      );
      const message = expected.length === 0 ? issue.message : `expected a ${joinWithOr(expected)}`;
      return [valueProblem(path, valueAt(value, path), message, locator)];
    }
    case 'invalid_value':
      return [
        valueProblem(
          path,
          valueAt(value, path),
          `expected ${joinWithOr(issue.values.map((v) => String(v)))}`,
          locator,
        ),
      ];
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const which = issue.code === 'too_big' ? 'at most' : 'at least';
      const message =
        issue.origin === 'string'
          ? issue.code === 'too_small' && Number(bound) === 1
            ? 'expected some text'
            : `expected ${which} ${String(bound)} characters`
          : `expected a number ${which} ${String(bound)}`;
      return [valueProblem(path, valueAt(value, path), message, locator)];
    }
    default:
      return [valueProblem(path, valueAt(value, path), issue.message, locator, formatHint(issue))];
  }
}

/** How to fix a value that fails a format or a refinement: from the pattern or the check's hint. */
function formatHint(issue: z.core.$ZodIssue | undefined): string | undefined {
  if (issue?.code === 'invalid_format' && issue.pattern === String(FREE_TEXT)) {
    return 'values are written into shells, configuration files and manifests: keep them on one line, with no block scalar (| or >) and no escape such as "\\n", "\\t" or "\\0"';
  }
  const hint: unknown = issue?.code === 'custom' ? issue.params?.hint : undefined;
  return typeof hint === 'string' ? hint : undefined;
}

/**
 * `WHERE: MESSAGE, not VALUE`, the value left out under a secret key. With `quoteWritten`, the hint
 * ends with the value as written in the file, and is given only when there is such a text.
 */
function valueProblem(
  path: Path,
  found: unknown,
  message: string,
  locator: Locator,
  hint?: string,
  quoteWritten = false,
): EntryProblem {
  const where = path.length === 0 ? 'the file' : path.join('.');
  const problem: EntryProblem = { path, target: 'value', message: `${where}: ${message}` };
  if (!isSecretPath(path)) {
    const written = typeof found === 'string' ? undefined : locator.written(path);
    problem.message += `, not ${showValue(found, written)}`;
    if (hint !== undefined && !quoteWritten) problem.hint = hint;
    else if (hint !== undefined && written !== undefined) {
      problem.hint = `${hint}: ${JSON.stringify(written)}`;
    }
  } else if (hint !== undefined) {
    problem.hint = hint;
  }
  return problem;
}

/** For text that YAML read as something else, how to keep it text. */
function quoteHint(expected: string, found: unknown): string | undefined {
  if (expected !== 'string') return undefined;
  if (found === null || typeof found === 'object') return undefined;
  return 'quote the value so YAML reads it as text';
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

/** `a, b or c`. */
function joinWithOr(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

function valueAt(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const segment of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, segment)) return undefined;
    v = (v as Record<string | number, unknown>)[segment];
  }
  return v;
}
