import type { AppliedPass } from '../pass/pass-result.js';

/** A member brought back to its old container because its replacement was not ready. */
export interface RolledBackMember {
  host: string;
  container: string;
  /** The commit whose change was rolled back. */
  commit: string;
  at: string;
  /** Why the new container was not ready. */
  reason: string;
  /** The new container's last lines of output (secrets masked). */
  lastLines: string;
}

/**
 * The members rolled back to their old containers after an applied pass: those it rolled back
 * (at `commit`), and those rolled back before that it still holds; the others are done with.
 */
export function rolledBackAfter(
  before: readonly RolledBackMember[],
  result: AppliedPass,
  commit: string,
  at: string,
): RolledBackMember[] {
  const { reconciliation } = result;
  const now = reconciliation.result.steps.flatMap((s) =>
    s.rolledBack === undefined
      ? []
      : [
          {
            host: s.host,
            container: s.name,
            commit,
            at,
            reason: s.error ?? 'not ready',
            lastLines: s.rolledBack.lastLines,
          },
        ],
  );
  const still = before.filter(
    (r) =>
      reconciliation.held.includes(r.container) && !now.some((n) => n.container === r.container),
  );
  return [...now, ...still];
}

/** Why the daemon is not ready while members are rolled back; null when none is. */
export function rolledBackProblem(members: readonly RolledBackMember[]): string | null {
  if (members.length === 0) return null;
  const each = members.map((r) => `${r.container} (${r.reason})`).join(', ');
  return `rolled back: ${each}; a new commit or dockstack retry tries again`;
}
