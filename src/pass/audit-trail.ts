import { trailerValues } from '../git/commit-log-format.js';
import type { CommitInfo } from '../git/env-repo.js';
import { TRAILERS } from '../report/trailers.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import { commitRecord, type CommitRecord } from './commit-record.js';
import { LoadStage, type AgeKeys } from './load-stage.js';
import type { PassRepo } from './pass-repo.js';

/** One change of the env repo and what became of it. */
export interface AuditEntry extends CommitRecord {
  /** The bot commit that recorded its apply; absent while not applied yet. */
  applied?: { commit: string; date: string; result: string; steps: string };
}

/**
 * The audit trail from git alone: each first-parent commit a person made, oldest first, with its
 * delta, paired with the first bot commit after it that names it, or a later commit, as applied.
 * Only the bot's own commits are its records: a commit of anyone else is a change like any
 * other, whatever trailers it carries.
 */
export async function auditTrail(
  repo: Pick<PassRepo, 'readFile' | 'whyNotOwn'>,
  envPath: string,
  commits: readonly CommitInfo[],
  ageKeys?: AgeKeys,
): Promise<AuditEntry[]> {
  const load = new LoadStage(undefined, ageKeys);
  const secretsFile = secretsPath(envPath);
  const secretsAt = async (sha: string) => (await repo.readFile(sha, secretsFile)) ?? undefined;
  const environmentAt = async (sha: string | undefined) => {
    if (sha === undefined) return undefined;
    const text = await repo.readFile(sha, envPath);
    if (text === undefined) return undefined;
    const loaded = await load.text(text, envPath, await secretsAt(sha));
    return loaded.ok ? loaded.env : undefined;
  };
  const entries: AuditEntry[] = [];
  let pending: AuditEntry[] = [];
  for (const commit of commits) {
    const applied = trailerValues(commit, TRAILERS.applied)[0];
    if (applied === undefined || (await repo.whyNotOwn(commit)) !== undefined) {
      const text = (await repo.readFile(commit.sha, envPath)) ?? '';
      const entry: AuditEntry = commitRecord(
        commit,
        await load.text(text, envPath, await secretsAt(commit.sha)),
        await environmentAt(commit.parents[0]),
      );
      entries.push(entry);
      pending.push(entry);
      continue;
    }
    const upTo = pending.findIndex((e) => e.sha === applied);
    if (upTo === -1) continue;
    const outcome = {
      commit: commit.sha,
      date: commit.date,
      result: trailerValues(commit, TRAILERS.result)[0] ?? 'unknown',
      steps: trailerValues(commit, TRAILERS.steps)[0] ?? '',
    };
    for (const entry of pending.slice(0, upTo + 1)) if (entry.valid) entry.applied = outcome;
    pending = pending.slice(upTo + 1);
  }
  return entries;
}
