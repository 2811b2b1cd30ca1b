import type { Problem } from './problem.js';

/** At most this many problems are reported; the rest are counted. */
export const MAX_PROBLEMS = 100;

/** Sorted by position, each reported once, at most MAX_PROBLEMS of them. */
export function capProblems(problems: Problem[]): Problem[] {
  const unique: Problem[] = [];
  /** The messages already kept at the position of the last problem kept. */
  const here = new Set<string>();
  let previous: Problem | undefined;
  for (const problem of problems.sort((a, b) => a.line - b.line || a.col - b.col)) {
    if (previous === undefined || problem.line !== previous.line || problem.col !== previous.col) {
      here.clear();
    }
    if (here.has(problem.message)) continue;
    here.add(problem.message);
    unique.push(problem);
    previous = problem;
  }
  if (unique.length <= MAX_PROBLEMS) return unique;
  const last = unique[MAX_PROBLEMS - 1] as Problem;
  const rest = unique.length - MAX_PROBLEMS + 1;
  return [
    ...unique.slice(0, MAX_PROBLEMS - 1),
    { ...last, message: `and ${rest} more problems`, hint: 'fix the ones above first' },
  ];
}
