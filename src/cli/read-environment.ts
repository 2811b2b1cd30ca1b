import { formatProblem, type Problem } from '../environment/problem.js';
import { fileSource } from '../pass/file-source.js';
import { LoadStage, type Loaded } from '../pass/load-stage.js';
import { commandAgeKeys } from './age-keys.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';

export type ReadResult =
  (Extract<Loaded, { ok: true }> & { text: string }) | Extract<Loaded, { ok: false }>;

/**
 * An environment file read and validated by the pass's source and load stages, with its text and
 * the secrets of the secrets file beside it; an unreadable file is a problem, not an exception.
 */
export async function readEnvironment(path: string, ageIdentityFile?: string): Promise<ReadResult> {
  const snapshot = await fileSource(path).read();
  const loaded = await new LoadStage(undefined, commandAgeKeys(ageIdentityFile)).snapshot(snapshot);
  if (!loaded.ok) return loaded;
  const bytes = snapshot.bytes ?? '';
  return {
    ...loaded,
    text: typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'),
  };
}

/** Prints every problem as FILE:LINE:COL: message, and gives the exit code of invalid input. */
export function reportProblems(problems: readonly Problem[], out: Output): ExitCode {
  for (const problem of problems) out.stderr(`${formatProblem(problem)}\n`);
  return EXIT.invalid;
}
