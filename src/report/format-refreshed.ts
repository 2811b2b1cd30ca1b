/** A container whose Puppet configuration changes, and why (see configure/refreshed-containers). */
export interface RefreshLine {
  name: string;
  reasons: readonly string[];
}

/** The containers refreshed for the same reasons, together: `[names, why]` in first-seen order. */
export function groupRefreshed(refreshed: readonly RefreshLine[]): [string[], string][] {
  const byReasons = new Map<string, string[]>();
  for (const r of refreshed) {
    const why = r.reasons.join('; ');
    byReasons.set(why, [...(byReasons.get(why) ?? []), r.name]);
  }
  return [...byReasons].map(([why, names]) => [names, why]);
}

/** What the plan and the write-back say of refreshed containers whose agent is not kicked. */
export const NOT_KICKED_HEADING =
  'Configuration changed, not kicked (stopped, or no Puppet agent in the image):';

/**
 * The refreshed containers that are not among `kicked` (a stopped one's agent runs when it
 * starts; a stand-in has none), grouped by reason; empty when there are none.
 */
export function formatNotKicked(
  refreshed: readonly RefreshLine[],
  kicked: ReadonlySet<string>,
): string {
  const left = refreshed.filter((r) => !kicked.has(r.name));
  if (left.length === 0) return '';
  const lines = groupRefreshed(left).map(([names, why]) => `  ${names.join(', ')}: ${why}`);
  return `${NOT_KICKED_HEADING}\n${lines.join('\n')}\n`;
}
