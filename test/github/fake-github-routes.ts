import { appRoutes } from './app-routes.js';
import { checkRunRoutes } from './check-run-routes.js';
import { commentRoutes } from './comment-routes.js';
import type { FakeRoute } from './fake-route.js';
import { pullRoutes } from './pull-routes.js';
import { statusRoutes } from './status-routes.js';

/** Every operation the fake implements, by `METHOD /template` as the description names it. */
export const fakeGitHubRoutes: ReadonlyMap<string, FakeRoute> = new Map(
  Object.entries({
    ...statusRoutes,
    ...commentRoutes,
    ...checkRunRoutes,
    ...pullRoutes,
    ...appRoutes,
  }),
);
