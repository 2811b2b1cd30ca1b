import { describe, expect, it } from 'vitest';

import { checkGitHubRequest } from './check-github-request.js';
import { fakeGitHubRoutes } from './fake-github-routes.js';
import { matchGitHubOperation } from './match-github-operation.js';
import { githubOpenApi, type OpenApiMethod } from './openapi-document.js';

describe('checkGitHubRequest', () => {
  it('accepts what the description allows, nulls included', () => {
    const status = {
      state: 'pending',
      context: 'dockstack/plan',
      description: null,
      target_url: null,
    };
    expect(
      checkGitHubRequest({ method: 'POST', path: '/repos/o/r/statuses/abc123', body: status }),
    ).toEqual([]);
    expect(
      checkGitHubRequest({
        method: 'GET',
        path: '/repos/o/r/issues/7/comments?per_page=100&page=2',
      }),
    ).toEqual([]);
  });

  it('routes a literal segment before a parameter, and a multi-segment parameter across slashes', () => {
    const comment = matchGitHubOperation('PATCH', '/repos/o/r/issues/comments/5');
    expect(comment.found && comment.match.route).toBe(
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    );
    const status = matchGitHubOperation('POST', '/repos/o/r/statuses/heads%2Fmain');
    expect(status.found && status.match.params).toEqual({
      owner: 'o',
      repo: 'r',
      sha: 'heads/main',
    });
  });

  it('names the operations a path has when the method is not one of them', () => {
    expect(
      checkGitHubRequest({
        method: 'PUT',
        path: '/repos/o/r/issues/comments/5',
        body: { body: 'x' },
      }),
    ).toEqual([
      'PUT is not an operation of /repos/{owner}/{repo}/issues/comments/{comment_id} (it has GET, PATCH, DELETE)',
    ]);
  });

  it('reports every problem of a request at once', () => {
    const problems = checkGitHubRequest({
      method: 'PATCH',
      path: '/repos/o/r/check-runs/12?debug=1',
      body: {
        status: 'done',
        output: {
          title: 't',
          summary: 'x'.repeat(65_536),
          annotations: [
            { path: 'a', start_line: 1, end_line: 1, annotation_level: 'fatal', message: 'm' },
          ],
        },
        detailsUrl: 'https://example.test',
      },
    });
    expect(problems).toEqual([
      'query must not have debug',
      'body.status must be one of: queued, in_progress, completed, waiting, requested, pending',
      'body.output.summary must NOT have more than 65535 characters',
      'body.output.annotations.0.annotation_level must be one of: notice, warning, failure',
      'body has detailsUrl, which GitHub does not declare',
      "body must match one of: (body must have required property 'conclusion', body.status must be one of: completed) or (body.status must be one of: queued, in_progress)",
    ]);
  });

  it('types path and query parameters', () => {
    expect(
      checkGitHubRequest({ method: 'GET', path: '/repos/o/r/issues/seven/comments?per_page=all' }),
    ).toEqual(['path.issue_number must be integer', 'query.per_page must be integer']);
  });

  it('wants the bodies an operation requires, and no body where it takes none', () => {
    expect(checkGitHubRequest({ method: 'POST', path: '/repos/o/r/statuses/abc' })).toEqual([
      'body is required',
    ]);
    expect(checkGitHubRequest({ method: 'GET', path: '/user', body: { login: 'x' } })).toEqual([
      'GET /user takes no JSON body',
    ]);
  });

  it('knows every operation the fake implements', () => {
    const { paths } = githubOpenApi();
    const missing = [...fakeGitHubRoutes.keys()].filter((route) => {
      const [method = '', template = ''] = route.split(' ');
      return paths[template]?.[method.toLowerCase() as OpenApiMethod] === undefined;
    });
    expect(missing).toEqual([]);
    expect(fakeGitHubRoutes.size).toBeGreaterThan(0);
  });
});
