import type { CallerKind, Caller } from './authenticate-caller.js';
import type { FakeGitHubCore } from './fake-github-core.js';

/** What a route answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  /** The path parameters, checked against the description (integers are digits). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, valid for the operation's schema; `{}` when there is none. */
  body: Record<string, unknown>;
  caller: Caller;
  core: FakeGitHubCore;
}

/** One implemented operation: who may call it and what it does. */
export interface FakeRoute {
  callers: readonly CallerKind[];
  handle(context: RouteContext): Reply | Promise<Reply>;
}

/**
 * An answer GitHub gives to a request it refuses. `violation` (the default) also records the
 * request as a violation; false for refusals that follow from the repository's state.
 */
export class GitHubRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly violation = true,
  ) {
    super(message);
  }
}

/** Callers that act on the repository: the token's user or the App's installation. */
export const REPO_CALLERS: readonly CallerKind[] = ['token', 'installation'];
