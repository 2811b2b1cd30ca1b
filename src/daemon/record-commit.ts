import { loadEnvironment } from '../environment/load-environment.js';
import { delta } from '../plan/delta.js';
import type { CommitRecord } from './commit-record.js';
import type { DaemonRepo, RepoCommit } from './reconcile-head.js';

/** A commit's record: its environment checked, and its delta against its first parent. */
export async function recordCommit(
  repo: Pick<DaemonRepo, 'readFile'>,
  envPath: string,
  commit: RepoCommit,
): Promise<CommitRecord> {
  const base = {
    sha: commit.sha,
    subject: commit.subject,
    author: `${commit.author.name} <${commit.author.email}>`,
    date: commit.date,
  };
  const loaded = loadEnvironment((await repo.readFile(commit.sha, envPath)) ?? '', {
    file: envPath,
  });
  if (!loaded.ok) return { ...base, valid: false, problems: loaded.problems };
  const parent = commit.parents[0];
  const parentText = parent === undefined ? undefined : await repo.readFile(parent, envPath);
  const before =
    parentText === undefined ? undefined : loadEnvironment(parentText, { file: envPath });
  const d = delta(before?.ok === true ? before.env : undefined, loaded.env);
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
