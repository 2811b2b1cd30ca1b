import {
  githubOpenApi,
  resolveRef,
  type OpenApiDocument,
  type OpenApiMethod,
  type OpenApiOperation,
  type OpenApiParameter,
} from './openapi-document.js';

/** The operation of the description a request is for. */
export interface MatchedOperation {
  /** `POST /repos/{owner}/{repo}/statuses/{sha}`: what the fake routes on. */
  route: string;
  template: string;
  method: OpenApiMethod;
  operation: OpenApiOperation;
  /** The path parameters, percent-decoded, as written (not yet typed). */
  params: Record<string, string>;
}

export type OperationMatch =
  { found: true; match: MatchedOperation } | { found: false; problem: string };

interface PathRoute {
  template: string;
  pattern: RegExp;
  names: string[];
  /** How many segments are literal: the more, the more specific. */
  literals: number;
  /** Then, segment by segment: literal before a parameter before a multi-segment one. */
  rank: string;
}

const METHODS: readonly OpenApiMethod[] = ['get', 'post', 'put', 'patch', 'delete'];
const routeTables = new WeakMap<OpenApiDocument, PathRoute[]>();

/** Finds the operation for METHOD and a path (a query string is ignored). */
export function matchGitHubOperation(
  method: string,
  path: string,
  document: OpenApiDocument = githubOpenApi(),
): OperationMatch {
  const pathname = path.split('?')[0] ?? '';
  const wanted = method.toLowerCase() as OpenApiMethod;
  const candidates = routesOf(document).filter((route) => route.pattern.test(pathname));
  if (candidates.length === 0) {
    return { found: false, problem: `no operation has a path like ${pathname}` };
  }
  for (const route of candidates) {
    const operation = document.paths[route.template]?.[wanted];
    if (operation === undefined) continue;
    const values = route.pattern.exec(pathname)?.slice(1) ?? [];
    const params = Object.fromEntries(
      route.names.map((name, i) => [name, decodePart(values[i] ?? '')]),
    );
    const template = route.template;
    const upper = wanted.toUpperCase();
    return {
      found: true,
      match: { route: `${upper} ${template}`, template, method: wanted, operation, params },
    };
  }
  const template = candidates[0]?.template ?? '';
  const allowed = METHODS.filter((m) => document.paths[template]?.[m] !== undefined);
  return {
    found: false,
    problem: `${method.toUpperCase()} is not an operation of ${template} (it has ${allowed
      .map((m) => m.toUpperCase())
      .join(', ')})`,
  };
}

/** The operation's parameters with their `$ref`s resolved. */
export function parametersOf(
  operation: OpenApiOperation,
  document: OpenApiDocument = githubOpenApi(),
): OpenApiParameter[] {
  return (operation.parameters ?? []).map((parameter) =>
    '$ref' in parameter ? (resolveRef(document, parameter.$ref) as OpenApiParameter) : parameter,
  );
}

function routesOf(document: OpenApiDocument): PathRoute[] {
  let routes = routeTables.get(document);
  if (routes === undefined) {
    routes = Object.keys(document.paths)
      .map((template) => compileTemplate(document, template))
      .sort((a, b) => b.literals - a.literals || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    routeTables.set(document, routes);
  }
  return routes;
}

function compileTemplate(document: OpenApiDocument, template: string): PathRoute {
  const multi = new Set<string>();
  for (const operation of Object.values(document.paths[template] ?? {})) {
    for (const parameter of parametersOf(operation, document)) {
      if (parameter['x-multi-segment'] === true) multi.add(parameter.name);
    }
  }
  const names: string[] = [];
  let rank = '';
  const source = template
    .split('/')
    .map((segment) => {
      const whole = /^\{([^}]+)\}$/.exec(segment)?.[1];
      rank +=
        whole === undefined ? (segment.includes('{') ? '1' : '0') : multi.has(whole) ? '3' : '2';
      return segment.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(name);
        return multi.has(name) ? '(.+?)' : '([^/]+?)';
      });
    })
    .join('/');
  const literals = rank.replace(/[^0]/g, '').length;
  return { template, pattern: new RegExp(`^${source}$`), names, literals, rank };
}

function decodePart(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
