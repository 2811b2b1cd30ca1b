import { commitAndPush } from '../../git/commit-and-push.js';
import type { EnvRepo } from '../../git/env-repo.js';
import type { ContainerEdit } from './container-edit.js';
import { editAt } from './edit-at.js';
import type { EditConfig } from './edit-config.js';
import { editSubject } from './edit-description.js';
import type { EditDone } from './edit-outcome.js';

/**
 * Commits the edit on the branch and pushes it, fast-forward only. When someone pushed
 * meanwhile, the edit is made again on their head (and refused, EditRefused, if it no longer
 * fits, e.g. they created the same name): nothing is rebased or forced.
 */
export async function pushEdit(
  repo: Pick<EnvRepo, 'fetch' | 'readFile' | 'commit' | 'push'>,
  edit: ContainerEdit,
  config: EditConfig,
): Promise<EditDone> {
  let subject: string | undefined;
  const commit = await commitAndPush(
    repo,
    async (head) => {
      const edited = await editAt(repo, head, edit, config);
      if (!edited.changed) return undefined;
      subject = config.message ?? editSubject(edit, edited.service, edited.container);
      return { files: { [config.envPath]: edited.text }, message: subject, trailers: {} };
    },
    { attempts: 5 },
  );
  return {
    outcome: {
      action: edit.action,
      name: edit.name,
      commit: commit ?? null,
      branch: config.branch,
    },
    ...(subject === undefined ? {} : { subject }),
  };
}
