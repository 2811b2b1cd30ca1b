import type { ErrorObject } from 'ajv';

const ALTERNATIVES = new Set(['anyOf', 'oneOf']);

/**
 * ajv's errors as sentences about `where` (`body`, `query`, `path`): `body.state must be one of:
 * error, failure, pending, success`. The errors of an `anyOf`/`oneOf` become one sentence that
 * lists what each alternative missed.
 */
export function describeAjvErrors(
  where: string,
  errors: readonly ErrorObject[] | null | undefined,
): string[] {
  const all = errors ?? [];
  const choices = all.filter(
    (error) => ALTERNATIVES.has(error.keyword) && !all.some((outer) => isUnder(error, outer)),
  );
  const lines = all
    .filter((error) => error.keyword !== 'allOf' && error.keyword !== 'if')
    .filter(
      (error) =>
        !ALTERNATIVES.has(error.keyword) && !choices.some((choice) => isUnder(error, choice)),
    )
    .map((error) => sentence(where, error));
  for (const choice of choices) {
    const branches = new Map<string, string[]>();
    for (const error of all.filter((e) => isUnder(e, choice) && !ALTERNATIVES.has(e.keyword))) {
      const branch = error.schemaPath.slice(choice.schemaPath.length + 1).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), sentence(where, error)]);
    }
    const at = where + instancePath(choice);
    lines.push(
      branches.size === 0
        ? `${at} ${choice.message ?? 'matches no alternative'}`
        : `${at} must match one of: ${[...branches.values()].map((b) => `(${b.join(', ')})`).join(' or ')}`,
    );
  }
  return lines.filter((line, index) => lines.indexOf(line) === index);
}

function isUnder(error: ErrorObject, outer: ErrorObject): boolean {
  return ALTERNATIVES.has(outer.keyword) && error.schemaPath.startsWith(`${outer.schemaPath}/`);
}

function instancePath(error: ErrorObject): string {
  return error.instancePath.replace(/\//g, '.');
}

function sentence(where: string, error: ErrorObject): string {
  const at = where + instancePath(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at} must not have ${String(params.additionalProperty)}`;
    case 'unevaluatedProperties':
      return `${at} has ${String(params.unevaluatedProperty)}, which GitHub does not declare`;
    case 'enum':
      return `${at} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}
