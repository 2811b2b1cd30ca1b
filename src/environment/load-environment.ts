import { capProblems } from './cap-problems.js';
import { checkSemantics } from './check-semantics.js';
import { decodeSource } from './decode-source.js';
import { layoutProblem } from './layout-problem.js';
import type { Path, Target } from './locate.js';
import type { Problem } from './problem.js';
import { readBlockYaml } from './read-block-yaml.js';
import { MAX_DEPTH, readYaml } from './read-yaml.js';
import { Environment } from './schema.js';
import { zodProblems } from './zod-problems.js';

export { MAX_PROBLEMS } from './cap-problems.js';
export { MAX_ALIASES, MAX_DEPTH } from './read-yaml.js';

export const DEFAULT_ENV_FILE = 'environment.yaml';
/** Inputs larger than this are refused before parsing. */
export const MAX_BYTES = 5 * 1024 * 1024;

export interface LoadOptions {
  /** The name problems are reported under. */
  file?: string;
  maxBytes?: number;
}

export type LoadResult = { ok: true; env: Environment } | { ok: false; problems: Problem[] };

/**
 * Parses and validates an environment file. Never throws on bad input: every problem found is
 * returned at once, each with its line and column, sorted by position. A file that validates can
 * be rendered and written back: its values are typed for where they go, its names fit the DNS, and
 * its layout is one dockstack edits. Keys are read as the text
 * they are written as (`0x1f:` is the name 0x1f, not 31). Takes time in proportion to the file's
 * size, whatever it holds; a file in the usual block style is read without the yaml library's
 * parser, which is several times slower.
 */
export function loadEnvironment(
  source: string | Uint8Array,
  options: LoadOptions = {},
): LoadResult {
  const file = options.file ?? DEFAULT_ENV_FILE;
  const fail = (problems: Problem[]): LoadResult => ({
    ok: false,
    problems: capProblems(problems),
  });

  const decoded = decodeSource(source, options.maxBytes ?? MAX_BYTES);
  if (!('text' in decoded)) return fail([{ file, ...decoded }]);
  const read = readBlockYaml(decoded.text, MAX_DEPTH) ?? readYaml(decoded.text, file);
  if ('problems' in read) return fail(read.problems);

  const { value, locator } = read;
  const at = (entry: { path: Path; target: Target; message: string; hint?: string }): Problem => {
    const { line, col } = locator.position(entry.path, entry.target);
    const problem: Problem = { file, line, col, message: entry.message };
    if (entry.hint !== undefined) problem.hint = entry.hint;
    return problem;
  };
  const parsed = Environment.safeParse(value ?? {});
  if (!parsed.success) {
    return fail(parsed.error.issues.flatMap((issue) => zodProblems(issue, value, locator)).map(at));
  }
  const semantic = checkSemantics(parsed.data).map(at);
  const layout = layoutProblem(decoded.text);
  if (layout !== undefined) semantic.push({ file, ...layout });
  if (semantic.length > 0) return fail(semantic);
  return { ok: true, env: parsed.data };
}
