import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { EnvRepo } from '../../git/env-repo.js';
import { createGitEnvRepo } from '../../git/git-env-repo.js';
import { GitError } from '../../git/git-error.js';
import { errorMessage } from '../../util/error-message.js';
import { EXIT, ExitError, type ExitCode } from '../exit-error.js';
import { editConfig, type EditConfig, type EditFlags } from './edit-config.js';

/**
 * The frame of every command that commits to the env repo: its configuration from the flags
 * (exit 2, nothing touched, when they are invalid), a temporary clone that is removed afterwards
 * whatever happens, and git's failures as exit codes (2 for what was asked, 1 for the rest).
 */
export async function withEditRepo(
  flags: EditFlags,
  processEnv: NodeJS.ProcessEnv,
  work: (repo: EnvRepo, config: EditConfig) => Promise<ExitCode>,
): Promise<ExitCode> {
  let config: EditConfig;
  try {
    config = editConfig(flags, processEnv);
  } catch (error) {
    throw new ExitError(EXIT.invalid, errorMessage(error));
  }
  const workDir = mkdtempSync(join(tmpdir(), 'dockstack-edit-'));
  try {
    const repo = createGitEnvRepo({
      url: config.repo,
      branch: config.branch,
      workDir: join(workDir, 'repo'),
      author: config.author,
    });
    return await work(repo, config);
  } catch (error) {
    if (error instanceof GitError) {
      throw new ExitError(error.kind === 'invalid' ? EXIT.invalid : EXIT.failed, error.message);
    }
    throw error;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
