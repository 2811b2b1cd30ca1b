import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { commitAndPush } from '../../git/commit-and-push.js';
import { createGitEnvRepo } from '../../git/git-env-repo.js';
import { GitError } from '../../git/git-error.js';
import { errorMessage } from '../../util/error-message.js';
import { EXIT, ExitError, type ExitCode } from '../exit-error.js';
import type { Output } from '../output.js';
import { editConfig, type EditFlags } from './edit-config.js';

export type RetryFlags = Pick<
  EditFlags,
  'repo' | 'branch' | 'message' | 'authorName' | 'authorEmail' | 'json'
>;

/**
 * `dockstack retry`: an empty commit on the branch, pushed fast-forward, so the daemon tries the
 * environment again, members it rolled back at the old head included. Exit 2 on invalid flags
 * (nothing pushed), 1 when git fails.
 */
export async function retryCommand(
  flags: RetryFlags,
  out: Output,
  processEnv: NodeJS.ProcessEnv,
): Promise<ExitCode> {
  let config;
  try {
    config = editConfig(flags, processEnv);
  } catch (error) {
    throw new ExitError(EXIT.invalid, errorMessage(error));
  }
  const workDir = mkdtempSync(join(tmpdir(), 'dockstack-retry-'));
  try {
    const repo = createGitEnvRepo({
      url: config.repo,
      branch: config.branch,
      workDir: join(workDir, 'repo'),
      author: config.author,
    });
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
  } catch (error) {
    if (error instanceof GitError) {
      throw new ExitError(error.kind === 'invalid' ? EXIT.invalid : EXIT.failed, error.message);
    }
    throw error;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
