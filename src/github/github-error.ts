import { ExternalError } from '../util/external-error.js';

/**
 * Why a call to GitHub failed, in dockstack's terms:
 * - unreachable: no connection, a timeout or a 5xx (retry later)
 * - rejected: authentication, permissions or a rate limit (401, 403, 429)
 * - invalid: GitHub refused the request as malformed or unknown (404, 422)
 */
export type GitHubErrorKind = 'unreachable' | 'rejected' | 'invalid';

export class GitHubError extends ExternalError {
  readonly system = 'github';
  constructor(
    readonly kind: GitHubErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/**
 * A GitHubError from whatever a request threw. The message names the call and GitHub's status
 * and words, never the request's headers (the token).
 */
export function toGitHubError(call: string, error: unknown): GitHubError {
  if (error instanceof GitHubError) return error;
  const status = (error as { status?: unknown }).status;
  const said = githubMessage(error);
  if (typeof status === 'number' && status > 0) {
    const kind =
      status >= 500 ? 'unreachable' : [401, 403, 429].includes(status) ? 'rejected' : 'invalid';
    return new GitHubError(
      kind,
      `GitHub ${call}: ${status}${said === '' ? '' : ` ${said}`}`,
      status,
    );
  }
  return new GitHubError('unreachable', `GitHub ${call}: ${said === '' ? 'no answer' : said}`);
}

function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const fromBody = (data as { message?: unknown } | undefined)?.message;
  if (typeof fromBody === 'string') return fromBody.slice(0, 300);
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? (error.message.split('\n')[0]?.slice(0, 300) ?? '') : '';
}
