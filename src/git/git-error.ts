import { ExternalError } from '../util/external-error.js';
import { redact } from '../util/redact.js';

/**
 * Why a call to the env repo failed, in dockstack's terms:
 * - unreachable: no connection to the remote, or no answer before the deadline (retry later)
 * - rejected: the remote refused us (authentication, permissions, a protected branch)
 * - invalid: a bad input (URL, branch, path, sha, ...) or a branch, file or commit that does not exist
 * - conflict: another process holds the working clone, a file to write collides with a folder,
 *   or a write-back lost every race
 * - internal: any other failure of git
 */
export type GitErrorKind = 'unreachable' | 'rejected' | 'invalid' | 'conflict' | 'internal';

export class GitError extends ExternalError {
  readonly system = 'git';
  /** git's own words, with credentials hidden; empty when the failure did not come from git. */
  readonly stderr: string;

  constructor(
    readonly kind: GitErrorKind,
    message: string,
    stderr = '',
  ) {
    super(redact(message));
    this.name = 'GitError';
    this.stderr = redact(stderr);
  }
}
