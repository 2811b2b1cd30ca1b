import { GitError } from './git-error.js';
import { redact } from '../util/redact.js';
import type { GitContext, RunOptions } from './run-git.js';
import { failure, runGit } from './run-git.js';

/**
 * The remote's words when the branch moved between its advertisement and the update: the push
 * lost a race, like a non-fast-forward, and is built again on the new head.
 */
const LOST_RACE =
  /^\[remote rejected\].*(failed to update ref|cannot lock ref|failed to lock|stale info|incorrect old value)/;

/** One push of a commit to a ref of the remote. */
export interface RefPush {
  /** The remote's URL, as git is given it. */
  url: string;
  sha: string;
  /** The full ref name on the remote. */
  target: string;
  /** How messages name the ref. */
  name: string;
  /** Options before `--` (a lease). */
  options: readonly string[];
}

/**
 * Pushes `sha` to the remote's ref `target`, never forced: 'updated', 'up-to-date' when the ref
 * is there already, 'rejected' when the remote kept the ref as it was (not a fast-forward, a
 * lost race, a lease that did not hold). Any other refusal or failure throws a GitError.
 */
export async function pushRef(
  context: GitContext,
  run: RunOptions,
  push: RefPush,
): Promise<'updated' | 'up-to-date' | 'rejected'> {
  const refspec = `${push.sha}:${push.target}`;
  const output = await runGit(
    context,
    ['push', '--porcelain', '--no-verify', ...push.options, '--', push.url, refspec],
    run,
  );
  const line = output.stdout.split('\n').find((l) => l.split('\t')[1] === refspec);
  const flag = line?.charAt(0);
  const summary = line?.split('\t')[2] ?? '';
  if (flag === ' ' || flag === '*') return 'updated';
  if (flag === '=') return 'up-to-date';
  if (flag === '!' && (summary.startsWith('[rejected]') || LOST_RACE.test(summary))) {
    return 'rejected';
  }
  if (flag === '!') {
    throw new GitError(
      'rejected',
      `the remote refused the push to ${push.name}: ${redact(summary, context.secrets)}`,
    );
  }
  if (output.exitCode !== 0) throw failure(context, 'push', output);
  throw new GitError('internal', `git push did not report ${push.target}`);
}
