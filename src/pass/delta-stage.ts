import type { Environment } from '../environment/schema.js';
import { delta } from '../plan/delta.js';
import type { CommitRecord } from './commit-record.js';
import type { Loaded, LoadStage } from './load-stage.js';
import type { RepoCommit } from './pass-repo.js';
import type { GitRevision } from './source.js';

/**
 * A commit's record for the audit trail: whether its environment is valid, and its delta against
 * its first parent's environment (every container added when the parent had none, or an invalid
 * one).
 */
export function commitRecord(
  commit: RepoCommit,
  loaded: Loaded,
  parent: Environment | undefined,
): CommitRecord {
  const base = {
    sha: commit.sha,
    subject: commit.subject,
    author: `${commit.author.name} <${commit.author.email}>`,
    date: commit.date,
  };
  if (!loaded.ok) return { ...base, valid: false, problems: loaded.problems };
  const d = delta(parent, loaded.env);
  const names = (specs: readonly { name: string }[]) => specs.map((s) => s.name);
  return {
    ...base,
    valid: true,
    delta: {
      added: names(d.added),
      removed: names(d.removed),
      changed: d.changed.map((c) => c.name),
      started: names(d.started),
      stopped: names(d.stopped),
    },
  };
}

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
