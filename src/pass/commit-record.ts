import type { Problem } from '../environment/problem.js';

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
