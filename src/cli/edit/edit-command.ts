import type { EnvRepo } from '../../git/env-repo.js';
import type { GitHubApi } from '../../github/github-api.js';
import type { GitHubConfig } from '../../github/github-config.js';
import { GitHubError } from '../../github/github-error.js';
import { fileDiff } from '../../util/file-diff.js';
import { EXIT, ExitError, type ExitCode } from '../exit-error.js';
import type { Output } from '../output.js';
import type { ContainerEdit } from './container-edit.js';
import { editAt, EditRefused } from './edit-at.js';
import type { EditConfig, EditFlags } from './edit-config.js';
import { nothingToCommit, reportEdit, reportRefusal } from './edit-outcome.js';
import { proposeEdit } from './propose-edit.js';
import { pushEdit } from './push-edit.js';
import { withEditRepo } from './with-edit-repo.js';

export interface EditDeps {
  processEnv: NodeJS.ProcessEnv;
  connectGitHub: (config: GitHubConfig) => Promise<GitHubApi>;
}

/**
 * `dockstack create|remove|start|stop NAME`: edits the environment file in the env repo and
 * commits the change, on the branch or, with --pr, on a new branch with a pull request. Works
 * in a temporary clone that is removed afterwards. Exit 2, with nothing committed or pushed,
 * when the input or the result is invalid; exit 1 when git or GitHub fails.
 */
export function editCommand(
  edit: ContainerEdit,
  flags: EditFlags,
  out: Output,
  deps: EditDeps,
): Promise<ExitCode> {
  return withEditRepo(flags, deps.processEnv, async (repo, config) => {
    try {
      if (config.dryRun) return await dryRun(repo, edit, config, out);
      // GitHub is reached before anything is pushed: App credentials are checked here.
      const github =
        config.pullRequest === undefined ? undefined : await deps.connectGitHub(config.pullRequest);
      const done =
        github === undefined
          ? await pushEdit(repo, edit, config)
          : await proposeEdit(repo, github, edit, config);
      reportEdit(done, config.json, out);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof EditRefused) {
        reportRefusal(error.result, edit, config.json, out);
        return EXIT.invalid;
      }
      if (error instanceof GitHubError) throw new ExitError(EXIT.failed, error.message);
      throw error;
    }
  });
}

/** Prints the diff the edit makes to the file at the branch's head; changes nothing. */
async function dryRun(
  repo: EnvRepo,
  edit: ContainerEdit,
  config: EditConfig,
  out: Output,
): Promise<ExitCode> {
  const head = await repo.fetch();
  const edited = await editAt(repo, head, edit, config);
  const diff = fileDiff(config.envPath, edited.before, edited.text, 3) ?? '';
  if (config.json) {
    const { action, name } = edit;
    out.stdout(`${JSON.stringify({ action, name, dryRun: true, head, diff }, null, 2)}\n`);
  } else {
    out.stdout(diff === '' ? `${nothingToCommit(edit)}\n` : `${diff}\n`);
  }
  return EXIT.ok;
}
