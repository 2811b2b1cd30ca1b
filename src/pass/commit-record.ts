import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { CommitInfo } from '../git/env-repo.js';
import { delta } from '../plan/delta.js';
import type { Loaded } from './load-stage.js';

/** What one env repo commit asked for, as the daemon saw it: the audit trail's unit. */
export interface CommitRecord {
  sha: string;
  subject: string;
  author: string;
  date: string;
  /** False when its environment file was invalid: it applied nothing. */
  valid: boolean;
  problems?: Problem[];
  /** Containers added, removed, changed, started, stopped against its first parent. */
  delta?: {
    added: string[];
    removed: string[];
    changed: string[];
    started: string[];
    stopped: string[];
  };
}

/**
 * A commit's record for the audit trail: whether its environment is valid, and its delta against
 * its first parent's environment (every container added when the parent had none, or an invalid
 * one).
 */
export function commitRecord(
  commit: CommitInfo,
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
