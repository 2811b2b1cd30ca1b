import type { Problem } from '../environment/problem.js';
import { readYaml } from '../environment/read-yaml.js';
import type { Environment } from '../environment/schema.js';
import type { SecretEntry } from './environment-secrets.js';

export interface SecretsMerge {
  env: Environment;
  /** The environment file's text, to point at a secret it also holds. */
  envText: string;
  envFile: string;
  secretsFile: string;
  entries: readonly SecretEntry[];
}

/**
 * The environment with the secrets of its secrets file filled in (in memory only). A secret the
 * environment file gives too is an error at both places, each naming the other.
 */
export function mergeSecrets(
  input: SecretsMerge,
): { ok: true; env: Environment } | { ok: false; problems: Problem[] } {
  const { env, entries } = input;
  const parameters = env.common.parameters ?? {};
  const twice = entries.filter((entry) =>
    entry.path.length === 3
      ? Object.hasOwn(parameters, entry.path[2])
      : Object.hasOwn(env.common, entry.path[1]),
  );
  if (twice.length > 0) {
    const read = readYaml(input.envText, input.envFile);
    const problems: Problem[] = [];
    for (const entry of twice) {
      const name = entry.path.join('.');
      const there =
        'locator' in read ? read.locator.position(entry.path, 'key') : { line: 1, col: 1 };
      problems.push(
        {
          file: input.secretsFile,
          ...entry.at,
          message: `${name} is given twice: here and in ${input.envFile}:${there.line}:${there.col}`,
          hint: `keep it in ${input.secretsFile} only: remove it from ${input.envFile}`,
        },
        {
          file: input.envFile,
          ...there,
          message: `${name} is given twice: here and in ${input.secretsFile}:${entry.at.line}:${entry.at.col}`,
          hint: `keep it in ${input.secretsFile} only: remove it from ${input.envFile}`,
        },
      );
    }
    return { ok: false, problems };
  }
  const common: Record<string, unknown> = { ...env.common };
  const merged: Record<string, string | number | boolean> = { ...parameters };
  for (const entry of entries) {
    if (entry.path.length === 3) merged[entry.path[2]] = entry.value;
    else common[entry.path[1]] = entry.value;
  }
  if (entries.some((e) => e.path.length === 3)) common.parameters = merged;
  return { ok: true, env: { ...env, common: common as Environment['common'] } };
}
