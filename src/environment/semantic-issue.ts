import type { Path, Target } from './locate.js';

/** A rule the schema alone cannot express, broken at `path`. */
export interface SemanticIssue {
  path: Path;
  target: Target;
  message: string;
  hint?: string;
}
