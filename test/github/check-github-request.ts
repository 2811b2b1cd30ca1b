import type { ValidateFunction } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';

import { describeAjvErrors } from './describe-ajv-errors.js';
import {
  matchGitHubOperation,
  parametersOf,
  type MatchedOperation,
} from './match-github-operation.js';
import { createOpenApiAjv } from './openapi-ajv.js';
import { githubOpenApi, type OpenApiSchema } from './openapi-document.js';
import { toJsonSchema } from './to-json-schema.js';

/** A request as GitHub would receive it. */
export interface GitHubRequest {
  method: string;
  /** The path with its query string: `/repos/o/r/issues/1/comments?per_page=100`. */
  path: string;
  /** The parsed JSON body; undefined when there is none. */
  body?: unknown;
}

interface OperationValidators {
  path: ValidateFunction;
  query: ValidateFunction;
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
}

const compiled = new Map<string, OperationValidators>();
let ajvs: { plain: Ajv2019; coercing: Ajv2019 } | undefined;

/**
 * Every way `request` departs from GitHub's REST description: no operation for the method and
 * path, path or query parameters undeclared or of the wrong type, a JSON body that does not
 * validate against the operation's `requestBody` schema (and body properties it does not declare,
 * which GitHub would silently ignore), a missing required body. Empty when GitHub would accept it.
 */
export function checkGitHubRequest(request: GitHubRequest): string[] {
  const found = matchGitHubOperation(request.method, request.path);
  if (!found.found) return [found.problem];
  const validators = validatorsOf(found.match);
  const problems: string[] = [];
  if (!validators.path({ ...found.match.params })) {
    problems.push(...describeAjvErrors('path', validators.path.errors));
  }
  if (!validators.query(queryOf(request.path))) {
    problems.push(...describeAjvErrors('query', validators.query.errors));
  }
  if (request.body === undefined) {
    if (validators.bodyRequired) problems.push('body is required');
  } else if (validators.body === undefined) {
    problems.push(`${found.match.route} takes no JSON body`);
  } else if (!validators.body(request.body)) {
    problems.push(...describeAjvErrors('body', validators.body.errors));
  }
  return problems;
}

function validatorsOf(match: MatchedOperation): OperationValidators {
  let validators = compiled.get(match.route);
  if (validators === undefined) {
    validators = compileOperation(match);
    compiled.set(match.route, validators);
  }
  return validators;
}

function compileOperation(match: MatchedOperation): OperationValidators {
  const document = githubOpenApi();
  ajvs ??= { plain: createOpenApiAjv(false), coercing: createOpenApiAjv(true) };
  const parameters = parametersOf(match.operation, document);
  const objectOf = (where: 'path' | 'query'): OpenApiSchema => {
    const declared = parameters.filter((parameter) => parameter.in === where);
    return {
      type: 'object',
      properties: Object.fromEntries(
        declared.map((parameter) => [parameter.name, parameter.schema ?? {}]),
      ),
      required: declared.filter((parameter) => parameter.required === true).map((p) => p.name),
      additionalProperties: false,
    };
  };
  const json = match.operation.requestBody?.content['application/json']?.schema;
  return {
    path: ajvs.coercing.compile(toJsonSchema(document, objectOf('path'))),
    query: ajvs.coercing.compile(toJsonSchema(document, objectOf('query'))),
    body: json === undefined ? undefined : ajvs.plain.compile(toJsonSchema(document, json, true)),
    bodyRequired: match.operation.requestBody?.required === true,
  };
}

/** The query string as an object: a name given twice becomes a list. */
function queryOf(path: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const search = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  for (const [name, value] of search) {
    const before = query[name];
    query[name] =
      before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return query;
}
