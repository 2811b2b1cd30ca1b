import { randomBytes } from 'node:crypto';

import { GitHubRefusal, type FakeRoute } from './fake-route.js';
import { userJson } from './repository-json.js';

/** A GitHub App finding its installation and getting installation tokens; the token's user. */
export const appRoutes: Record<string, FakeRoute> = {
  'GET /repos/{owner}/{repo}/installation': {
    callers: ['app'],
    handle: ({ core }) => {
      const app = core.app;
      if (app === undefined) throw new GitHubRefusal(404, 'Not Found');
      return {
        status: 200,
        body: {
          id: app.installationId,
          app_id: app.id,
          app_slug: app.slug ?? 'dockstack',
          account: userJson(core.repository.owner),
          target_type: 'Organization',
          repository_selection: 'selected',
          permissions: {
            checks: 'write',
            statuses: 'write',
            pull_requests: 'write',
            contents: 'write',
          },
          events: ['pull_request', 'push'],
        },
      };
    },
  },
  'POST /app/installations/{installation_id}/access_tokens': {
    callers: ['app'],
    handle: ({ params, core }) => {
      if (params.installation_id !== String(core.app?.installationId)) {
        throw new GitHubRefusal(404, 'Not Found');
      }
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      core.state.installationTokens.add(token);
      return {
        status: 201,
        body: {
          token,
          expires_at: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
          permissions: {
            checks: 'write',
            statuses: 'write',
            pull_requests: 'write',
            contents: 'write',
          },
          repository_selection: 'selected',
        },
      };
    },
  },
  'GET /user': {
    callers: ['token'],
    handle: ({ caller }) => ({ status: 200, body: userJson(caller.login) }),
  },
};
