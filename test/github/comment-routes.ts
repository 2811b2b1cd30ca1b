import type { CommentRecord } from './fake-github-state.js';
import type { FakeGitHubCore } from './fake-github-core.js';
import { GitHubRefusal, REPO_CALLERS, type FakeRoute } from './fake-route.js';
import { paginatedReply } from './paginated-reply.js';
import { userJson } from './repository-json.js';

/** Comments on pull requests (issue comments, as GitHub keeps them). */
export const commentRoutes: Record<string, FakeRoute> = {
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
    callers: REPO_CALLERS,
    handle: ({ params, query, core }) => {
      const number = pullNumberOf(core, params.issue_number);
      const comments = core.state.comments.filter((c) => c.issueNumber === number);
      const url = `${core.repository.apiUrl}/issues/${number}/comments`;
      return paginatedReply(
        comments.map((c) => commentJson(core, c)),
        query,
        url,
      );
    },
  },
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
    callers: REPO_CALLERS,
    handle: ({ params, body, caller, core }) => {
      const comment: CommentRecord = {
        id: core.state.nextId(),
        issueNumber: pullNumberOf(core, params.issue_number),
        body: String(body.body),
        user: caller.login,
        updates: 0,
      };
      core.state.comments.push(comment);
      return { status: 201, body: commentJson(core, comment) };
    },
  },
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
    callers: REPO_CALLERS,
    handle: ({ params, body, core }) => {
      const comment = core.state.comments.find((c) => String(c.id) === params.comment_id);
      if (comment === undefined) throw new GitHubRefusal(404, 'Not Found');
      comment.body = String(body.body);
      comment.updates++;
      return { status: 200, body: commentJson(core, comment) };
    },
  },
};

function pullNumberOf(core: FakeGitHubCore, raw: string | undefined): number {
  const number = Number(raw);
  if (!core.state.pulls.some((pull) => pull.number === number)) {
    throw new GitHubRefusal(404, 'Not Found');
  }
  return number;
}

function commentJson(core: FakeGitHubCore, comment: CommentRecord): Record<string, unknown> {
  const { apiUrl, htmlUrl } = core.repository;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${apiUrl}/issues/comments/${comment.id}`,
    html_url: `${htmlUrl}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${apiUrl}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(comment.user),
    author_association: 'NONE',
  };
}
