import { formatProblem } from '../environment/problem.js';
import { findSopsConfig } from '../secrets/sops-config.js';
import { plainSecretWarnings } from '../secrets/plain-secrets.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { readEnvironment } from './read-environment.js';

export interface ValidateOptions {
  json?: boolean;
  ageIdentityFile?: string;
}

/**
 * `dockstack validate [FILE]`: 0 when valid, 2 with every problem listed when not. The secrets
 * file beside it is decrypted and checked too; in a repo with a `.sops.yaml`, secrets the file
 * gives in plain text are warned about (still valid).
 */
export async function validateCommand(
  file: string,
  options: ValidateOptions,
  out: Output,
): Promise<ExitCode> {
  const result = await readEnvironment(file, options.ageIdentityFile);
  const warnings =
    result.ok && findSopsConfig(file) !== undefined ? plainSecretWarnings(result.text, file) : [];
  if (options.json === true) {
    const problems = result.ok ? [] : result.problems;
    out.stdout(`${JSON.stringify({ file, valid: result.ok, problems, warnings }, null, 2)}\n`);
  } else if (result.ok) {
    for (const warning of warnings) {
      out.stderr(`${formatProblem({ ...warning, message: `warning: ${warning.message}` })}\n`);
    }
    const containers = Object.values(result.env.services).reduce(
      (n, s) => n + Object.keys(s ?? {}).length,
      0,
    );
    out.stdout(`${file}: valid (${containers} containers)\n`);
  } else {
    for (const problem of result.problems) out.stderr(`${formatProblem(problem)}\n`);
    out.stderr(
      `${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`,
    );
  }
  return result.ok ? EXIT.ok : EXIT.invalid;
}
