import { commitAndPush } from '../../git/commit-and-push.js';
import { EXIT, type ExitCode } from '../exit-error.js';
import type { Output } from '../output.js';
import type { EditFlags } from './edit-config.js';
import { withEditRepo } from './with-edit-repo.js';

export type RetryFlags = Pick<
  EditFlags,
  'repo' | 'branch' | 'message' | 'authorName' | 'authorEmail' | 'json'
>;

/**
 * `dockstack retry`: an empty commit on the branch, pushed fast-forward, so the daemon tries the
 * environment again, members it rolled back at the old head included. Exit 2 on invalid flags
 * (nothing pushed), 1 when git fails.
 */
export function retryCommand(
  flags: RetryFlags,
  out: Output,
  processEnv: NodeJS.ProcessEnv,
): Promise<ExitCode> {
  return withEditRepo(flags, processEnv, async (repo, config) => {
    let subject = '';
    const commit = await commitAndPush(
      repo,
      (head) => {
        subject = config.message ?? `Retry the environment at ${head.slice(0, 12)}`;
        return Promise.resolve({ files: {}, message: subject, trailers: {}, always: true });
      },
      { attempts: 5 },
    );
    const result = { action: 'retry', commit: commit ?? null, branch: config.branch, subject };
    if (config.json) out.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else out.stdout(`Pushed ${(commit ?? '').slice(0, 12)} to ${config.branch}: ${subject}\n`);
    return EXIT.ok;
  });
}
