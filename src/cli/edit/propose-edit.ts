import type { EnvRepo } from '../../git/env-repo.js';
import { GitError } from '../../git/git-error.js';
import type { GitHubApi } from '../../github/github-api.js';
import { GitHubError } from '../../github/github-error.js';
import { EXIT, ExitError } from '../exit-error.js';
import type { ContainerEdit } from './container-edit.js';
import { editAt } from './edit-at.js';
import type { EditConfig } from './edit-config.js';
import { editSubject, pullRequestBody } from './edit-description.js';
import type { EditDone } from './edit-outcome.js';

/**
 * Commits the edit on top of the branch's head, pushes it to a new branch
 * `dockstack/ACTION-NAME-SHA` (never to an existing one) and opens a pull request into the
 * branch. When GitHub fails after the push, the error names the pushed branch.
 */
export async function proposeEdit(
  repo: Pick<EnvRepo, 'fetch' | 'readFile' | 'commit' | 'pushTo'>,
  github: Pick<GitHubApi, 'openPullRequest'>,
  edit: ContainerEdit,
  config: EditConfig,
): Promise<EditDone> {
  const head = await repo.fetch();
  const edited = await editAt(repo, head, edit, config);
  const subject = config.message ?? editSubject(edit, edited.service, edited.container);
  const commit = edited.changed
    ? await repo.commit(head, { [config.envPath]: edited.text }, subject, {})
    : undefined;
  const done = { action: edit.action, name: edit.name };
  if (commit === undefined) return { outcome: { ...done, commit: null, branch: config.branch } };

  const branch = `dockstack/${edit.action}-${edit.name}-${commit.slice(0, 12)}`;
  if ((await repo.pushTo(commit, branch)) === 'exists') {
    throw new GitError('conflict', `the remote has a branch ${branch} already; run again`);
  }
  try {
    const pull = await github.openPullRequest({
      head: branch,
      base: config.branch,
      title: subject,
      body: pullRequestBody(edit, edited.service, edited.container, config.envPath),
    });
    const pullRequest = { number: pull.number, url: pull.url };
    return { outcome: { ...done, commit, branch, pullRequest }, subject };
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    throw new ExitError(
      EXIT.failed,
      `${error.message}; the change is pushed to the branch ${branch}: open its pull request by hand`,
    );
  }
}
