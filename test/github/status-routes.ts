import { existingSha } from './bare-repo.js';
import type { StatusRecord } from './fake-github-state.js';
import { GitHubRefusal, REPO_CALLERS, type FakeRoute } from './fake-route.js';
import { userJson } from './repository-json.js';

interface StatusInput {
  state: StatusRecord['state'];
  target_url?: string | null;
  description?: string | null;
  context?: string;
}

/**
 * Commit statuses, on full commit shas. GitHub refuses descriptions over 140 characters and
 * commits it does not have.
 */
export const statusRoutes: Record<string, FakeRoute> = {
  'POST /repos/{owner}/{repo}/statuses/{sha}': {
    callers: REPO_CALLERS,
    handle: ({ params, body, caller, core }) => {
      const input = body as unknown as StatusInput;
      const sha = existingSha(core.repository.bare, params.sha ?? '');
      if (sha === undefined)
        throw new GitHubRefusal(422, `No commit found for SHA: ${params.sha ?? ''}`);
      if ((input.description ?? '').length > 140) {
        throw new GitHubRefusal(
          422,
          'Validation Failed: description is too long (maximum is 140 characters)',
        );
      }
      const status: StatusRecord = {
        id: core.state.nextId(),
        sha,
        state: input.state,
        context: input.context ?? 'default',
        description: input.description ?? null,
        targetUrl: input.target_url ?? null,
        creator: caller.login,
      };
      core.state.statuses.push(status);
      const now = new Date().toISOString();
      return {
        status: 201,
        body: {
          id: status.id,
          node_id: `SC_${status.id}`,
          url: `${core.repository.apiUrl}/statuses/${sha}`,
          state: status.state,
          description: status.description,
          target_url: status.targetUrl,
          context: status.context,
          created_at: now,
          updated_at: now,
          creator: userJson(caller.login),
        },
      };
    },
  },
};
