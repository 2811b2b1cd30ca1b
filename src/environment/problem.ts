/** One thing wrong with an input file, at a place a person can jump to. */
export interface Problem {
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  message: string;
  /** How to fix it, when there is something useful to say. */
  hint?: string;
}

/** `FILE:LINE:COL: message (hint)`, the form editors and CI annotations understand. */
export function formatProblem(p: Problem): string {
  const hint = p.hint === undefined ? '' : ` (${p.hint})`;
  return `${p.file}:${p.line}:${p.col}: ${p.message}${hint}`;
}
