import { commitRecord, type CommitRecord } from './commit-record.js';
import type { LoadStage } from './load-stage.js';
import type { GitRevision } from './source.js';

/**
 * The delta stage: the record of each new commit, each against the one before it (the first
 * against `before`, its parent's environment file).
 */
export async function deltaStage(
  revision: GitRevision,
  file: string,
  load: LoadStage,
): Promise<CommitRecord[]> {
  const records: CommitRecord[] = [];
  let parentText = revision.before;
  let parentSecrets = revision.beforeSecrets;
  for (const commit of revision.commits) {
    const loaded = await load.text(commit.text ?? '', file, commit.secrets);
    const parent =
      parentText === undefined ? undefined : await load.text(parentText, file, parentSecrets);
    records.push(commitRecord(commit, loaded, parent?.ok === true ? parent.env : undefined));
    parentText = commit.text;
    parentSecrets = commit.secrets;
  }
  return records;
}
