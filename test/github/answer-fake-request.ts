import type { IncomingHttpHeaders } from 'node:http';

import { authenticateCaller } from './authenticate-caller.js';
import { checkGitHubRequest } from './check-github-request.js';
import type { FakeGitHubCore } from './fake-github-core.js';
import { fakeGitHubRoutes } from './fake-github-routes.js';
import { GitHubRefusal, type Reply, type RouteContext, type FakeRoute } from './fake-route.js';
import { matchGitHubOperation } from './match-github-operation.js';

interface Refused {
  status: number;
  problems: string[];
}

/**
 * Answers one request as GitHub would and records it: matched against the description,
 * authenticated, checked, then handed to the fake's route. Every refusal is recorded as a
 * violation, except those that follow from the repository's state.
 */
export async function answerFakeRequest(
  core: FakeGitHubCore,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): Promise<Reply> {
  const { body, problems: bodyProblems } = parseBody(raw, headers['content-type']);
  const found = matchGitHubOperation(method, path);
  const record = (reply: Reply, problems: string[]): Reply => {
    const status = reply.status;
    const route = found.found ? { route: found.match.route } : {};
    core.state.requests.push({ method, path, body, status, ...route });
    if (problems.length > 0) core.state.violations.push({ method, path, body, status, problems });
    return reply;
  };

  const screened = screen(core, method, path, headers.authorization, body, bodyProblems);
  if ('problems' in screened) {
    const { status, problems } = screened;
    return record(errorReply(status, problems[0] ?? 'refused', problems), problems);
  }
  try {
    return record(await screened.route.handle(screened.context), []);
  } catch (error) {
    if (!(error instanceof GitHubRefusal)) {
      const problem = `the fake failed: ${String(error)}`;
      return record(errorReply(500, problem, []), [problem]);
    }
    return record(
      errorReply(error.status, error.message, []),
      error.violation ? [error.message] : [],
    );
  }
}

/** The route and its context, or why GitHub would refuse the request before acting on it. */
function screen(
  core: FakeGitHubCore,
  method: string,
  path: string,
  authorization: string | undefined,
  body: unknown,
  bodyProblems: string[],
): { route: FakeRoute; context: RouteContext } | Refused {
  const found = matchGitHubOperation(method, path);
  if (!found.found) return { status: 404, problems: [found.problem] };
  const auth = authenticateCaller(authorization, core.credentials);
  if ('refused' in auth) return { status: 401, problems: [auth.refused] };
  const { params, route: name } = found.match;
  const { owner, name: repo, fullName } = core.repository;
  if (params.owner !== undefined && (params.owner !== owner || params.repo !== repo)) {
    const problem = `${params.owner}/${params.repo ?? ''} is not the fake's repository ${fullName}`;
    return { status: 404, problems: [problem] };
  }
  const problems = [...bodyProblems, ...checkGitHubRequest({ method, path, body })];
  if (problems.length > 0) return { status: 422, problems };
  const route = fakeGitHubRoutes.get(name);
  if (route === undefined)
    return { status: 404, problems: [`the fake does not implement ${name}`] };
  if (!route.callers.includes(auth.caller.kind)) {
    return {
      status: 403,
      problems: [`Resource not accessible by ${auth.caller.kind} credentials`],
    };
  }
  const query = new URL(path, 'http://fake').searchParams;
  const input = (body ?? {}) as Record<string, unknown>;
  return { route, context: { params, query, body: input, caller: auth.caller, core } };
}

function parseBody(raw: Buffer, type: string | undefined): { body: unknown; problems: string[] } {
  if (raw.length === 0) return { body: undefined, problems: [] };
  const problems = /^application\/(.+\+)?json\b/i.test(type ?? '')
    ? []
    : [`content-type ${type ?? '(none)'} is not JSON`];
  try {
    return { body: JSON.parse(raw.toString('utf8')), problems };
  } catch {
    return { body: raw.toString('utf8'), problems: [...problems, 'Problems parsing JSON'] };
  }
}

/** GitHub's error body: `message`, the other problems as `errors`, `documentation_url`. */
function errorReply(status: number, message: string, problems: string[]): Reply {
  const errors = problems.slice(1);
  return {
    status,
    body: {
      message,
      ...(errors.length > 0 ? { errors } : {}),
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    },
  };
}
