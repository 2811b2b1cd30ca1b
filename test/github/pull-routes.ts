import { existingSha } from './bare-repo.js';
import { GitHubRefusal, REPO_CALLERS, type FakeRoute } from './fake-route.js';
import { paginatedReply } from './paginated-reply.js';
import { openPull, type OpenPullInput } from './open-pull.js';
import { pullRequestJson } from './pull-request-json.js';

/** Pull requests: open one, read one, find those of a commit. */
export const pullRoutes: Record<string, FakeRoute> = {
  'POST /repos/{owner}/{repo}/pulls': {
    callers: REPO_CALLERS,
    handle: ({ body, caller, core }) => {
      const pull = openPull(core, body as unknown as OpenPullInput, caller.login);
      return { status: 201, body: pullRequestJson(pull, core.repository) };
    },
  },
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
    callers: REPO_CALLERS,
    handle: ({ params, core }) => {
      const pull = core.state.pulls.find((p) => String(p.number) === params.pull_number);
      if (pull === undefined) throw new GitHubRefusal(404, 'Not Found');
      return { status: 200, body: pullRequestJson(pull, core.repository) };
    },
  },
  /** The pull requests a commit is the merge commit or the head of. */
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': {
    callers: REPO_CALLERS,
    handle: ({ params, query, core }) => {
      const sha = existingSha(core.repository.bare, params.commit_sha ?? '');
      if (sha === undefined) {
        throw new GitHubRefusal(422, `No commit found for SHA: ${params.commit_sha ?? ''}`);
      }
      const pulls = core.state.pulls
        .filter((pull) => pull.mergeCommitSha === sha || pull.head.sha === sha)
        .map((pull) => pullRequestJson(pull, core.repository));
      return paginatedReply(pulls, query, `${core.repository.apiUrl}/commits/${sha}/pulls`);
    },
  },
};
