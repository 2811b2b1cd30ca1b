import { posix } from 'node:path';

import { didYouMean } from '../environment/did-you-mean.js';
import type { Position } from '../environment/locate.js';
import type { Problem } from '../environment/problem.js';
import { Common, FreeText, isSecretKey, SECRET_KEYS } from '../environment/schema.js';
import { secretNameList } from '../environment/secret-name-parts.js';
import { quoteText } from '../environment/show-value.js';
import type { OpenedSopsFile } from './open-sops-file.js';
import { yamlValueOf } from './sops-scalar.js';

/** The secrets file of an environment, beside its environment file. */
export const SECRETS_FILE = 'secrets.sops.yaml';

/** The path of the secrets file beside the environment file at `envPath` (a repo or disk path). */
export function secretsPath(envPath: string): string {
  const dir = posix.dirname(envPath);
  return dir === '.' ? SECRETS_FILE : posix.join(dir, SECRETS_FILE);
}

/** One secret of the secrets file: a secret field of `common`, or a secret parameter. */
export interface SecretEntry {
  /** `['common', 'galera_password']` or `['common', 'parameters', 'admin_pw']`. */
  path: ['common', string] | ['common', 'parameters', string];
  value: string | number | boolean;
  /** Where its value is written in the secrets file. */
  at: Position;
}

/**
 * The secrets an opened secrets file holds, laid out as the environment file is: `common:` with
 * secret fields of `common` (galera_password, ...) and `parameters:` with parameters whose names
 * are secret. Anything else is a problem at its place (a public field, a parameter whose name is
 * not secret, a list, an unknown key), named by its path, never by its value.
 */
export function environmentSecrets(
  opened: OpenedSopsFile,
): { ok: true; entries: SecretEntry[] } | { ok: false; problems: Problem[] } {
  const { sops } = opened;
  const problems: Problem[] = [];
  const entries: SecretEntry[] = [];
  const seen = new Set<string>();
  const fields = Object.keys(Common.shape).filter((key) => key !== 'public_parameters');
  for (const { path, value, node } of opened.values) {
    const at = sops.at(node.range?.[0] ?? 0);
    const problem = (message: string, hint: string) => {
      problems.push({ file: sops.file, ...at, message, hint });
    };
    const name = path.join('.');
    if (path[0] !== 'common') {
      problem(
        `unknown key '${path[0] ?? ''}' in the secrets file`,
        'the secrets file holds common: with secret fields (galera_password, ...) and common.parameters: with secret parameters',
      );
      continue;
    }
    const isParameter = path[1] === 'parameters';
    const shape = isParameter ? 3 : 2;
    if (path.length !== shape || seen.has(name)) {
      problem(
        `${name}: a secret is one value, not a list or mapping`,
        isParameter
          ? 'write each parameter as `name: value` under common.parameters'
          : 'write each field as `name: value` under common',
      );
      continue;
    }
    seen.add(name);
    const key = path[shape - 1] ?? '';
    // Names and values are typed as the environment file's are: one line of printable text.
    const badName = textProblem(key);
    const badValue = value.type === 'str' ? textProblem(value.text) : undefined;
    if (badName !== undefined) {
      problem(`${quoteText(name)}: ${badName}`, 'rename it: names are written into Hiera data');
      continue;
    }
    if (badValue !== undefined) {
      problem(
        `${name}: ${badValue}`,
        'secrets are written into configuration files and Hiera data: keep each on one line, with no block scalar (| or >) and no escape such as "\\n"',
      );
      continue;
    }
    if (isParameter) {
      if (!isSecretKey(key)) {
        problem(
          `parameter ${key} does not look secret, so it would be rendered into site.pp`,
          `keep it in environment.yaml, or give it a name that holds ${secretNameList('or')}`,
        );
        continue;
      }
      const plain = yamlValueOf(value);
      if (typeof plain === 'number' && !Number.isFinite(plain)) {
        problem(`${name}: expected a finite number`, 'write the number out, or quote it as text');
        continue;
      }
      entries.push({
        path: ['common', 'parameters', key],
        value: typeof plain === 'bigint' ? plain.toString() : plain,
        at,
      });
      continue;
    }
    if (!SECRET_KEYS.has(key)) {
      const known = fields.includes(key);
      problem(
        known
          ? `common.${key} is not a secret field`
          : `unknown key '${key}' in common of the secrets file`,
        known
          ? 'keep it in environment.yaml: the secrets file holds the secret fields and parameters'
          : `the secret fields are ${[...SECRET_KEYS].join(', ')}${suggest(key)}`,
      );
      continue;
    }
    if (value.type !== 'str') {
      problem(`common.${key} must be text`, 'quote the value, as in the environment file');
      continue;
    }
    entries.push({ path: ['common', key], value: value.text, at });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

function suggest(key: string): string {
  const close = didYouMean(key, [...SECRET_KEYS, 'parameters']);
  return close === undefined ? '' : ` (did you mean '${close}'?)`;
}

/** What is wrong with `text` as a value of the environment file (FreeText), or undefined. */
function textProblem(text: string): string | undefined {
  const parsed = FreeText.safeParse(text);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'expected text');
}
