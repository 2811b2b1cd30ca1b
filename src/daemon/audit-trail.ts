import type { CommitRecord } from './commit-record.js';
import { recordCommit } from './record-commit.js';
import type { DaemonRepo, RepoCommit } from './reconcile-head.js';
import { TRAILERS } from './trailers.js';

/** One change of the env repo and what became of it. */
export interface AuditEntry extends CommitRecord {
  /** The bot commit that recorded its apply; absent while not applied yet. */
  applied?: { commit: string; date: string; result: string; steps: string };
}

/**
 * The audit trail from git alone: each first-parent commit a person made, oldest first, with its
 * delta, paired with the first bot commit after it that names it, or a later commit, as applied.
 */
export async function auditTrail(
  repo: Pick<DaemonRepo, 'readFile'>,
  envPath: string,
  commits: readonly RepoCommit[],
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let pending: AuditEntry[] = [];
  for (const commit of commits) {
    const applied = commit.trailers[TRAILERS.applied]?.[0];
    if (applied === undefined) {
      const entry: AuditEntry = await recordCommit(repo, envPath, commit);
      entries.push(entry);
      pending.push(entry);
      continue;
    }
    const upTo = pending.findIndex((e) => e.sha === applied);
    if (upTo === -1) continue;
    const outcome = {
      commit: commit.sha,
      date: commit.date,
      result: commit.trailers[TRAILERS.result]?.[0] ?? 'unknown',
      steps: commit.trailers[TRAILERS.steps]?.[0] ?? '',
    };
    for (const entry of pending.slice(0, upTo + 1)) if (entry.valid) entry.applied = outcome;
    pending = pending.slice(upTo + 1);
  }
  return entries;
}
