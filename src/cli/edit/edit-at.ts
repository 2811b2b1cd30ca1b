import type { EnvRepo } from '../../git/env-repo.js';
import type { ContainerEdit } from './container-edit.js';
import { editServices, type EditResult } from './edit-services.js';

/** The edit is refused (exit 2): an invalid name or file, or a result that would be invalid. */
export class EditRefused extends Error {
  constructor(readonly result: Extract<EditResult, { ok: false }>) {
    super(result.message);
    this.name = 'EditRefused';
  }
}

export type EditedFile = Extract<EditResult, { ok: true }> & { before: string };

/**
 * The edit applied to the environment file at commit `head` of the env repo, with the text it
 * had; throws EditRefused when there is no such file or the edit is refused.
 */
export async function editAt(
  repo: Pick<EnvRepo, 'readFile'>,
  head: string,
  edit: ContainerEdit,
  where: { envPath: string; branch: string },
): Promise<EditedFile> {
  const before = await repo.readFile(head, where.envPath);
  if (before === undefined) {
    throw new EditRefused({
      ok: false,
      message: `there is no ${where.envPath} on ${where.branch} (at ${head.slice(0, 12)})`,
      problems: [],
    });
  }
  const result = editServices(before, edit, { file: where.envPath });
  if (!result.ok) throw new EditRefused(result);
  return { ...result, before };
}
