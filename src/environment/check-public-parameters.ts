import { didYouMean } from './did-you-mean.js';
import { SECRET_KEYS, type Environment } from './schema.js';
import type { SemanticIssue } from './semantic-issue.js';
import { quoteText } from './show-value.js';

/** Did-you-mean hints are looked for this many times at most: each one reads every parameter. */
const MAX_GUESSES = 20;

/**
 * The problems of `common.public_parameters`: a name listed twice, a secret field of `common`,
 * a name `parameters` does not have.
 */
export function checkPublicParameters(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const parameters = env.common.parameters ?? {};
  const seen = new Set<string>();
  let guesses = 0;
  (env.common.public_parameters ?? []).forEach((name, index) => {
    const path = ['common', 'public_parameters', index];
    if (seen.has(name)) {
      issues.push({
        path,
        target: 'value',
        message: `parameter ${quoteText(name)} appears twice in public_parameters`,
        hint: 'list each parameter once',
      });
    } else if (SECRET_KEYS.has(name)) {
      issues.push({
        path,
        target: 'value',
        message: `${quoteText(name)} is always secret and cannot be made public`,
        hint: `remove it from public_parameters, or rename the parameter`,
      });
    } else if (!Object.hasOwn(parameters, name)) {
      const guess = guesses++ < MAX_GUESSES ? didYouMean(name, Object.keys(parameters)) : undefined;
      issues.push({
        path,
        target: 'value',
        message: `public_parameters lists ${quoteText(name)}, which is not a key of parameters`,
        hint:
          guess === undefined
            ? 'list only names that common.parameters has'
            : `did you mean '${guess}'?`,
      });
    }
    seen.add(name);
  });
  return issues;
}
