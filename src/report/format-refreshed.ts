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

/** What `dockstack plan` says of the refreshed containers. */
export const KICK_HEADING = 'Puppet agents kicked after the apply (puppet agent --test):';

/** The refreshed containers as `dockstack plan` prints them; empty when there are none. */
export function formatRefreshed(
  refreshed: readonly RefreshLine[],
  heading: string = KICK_HEADING,
): string {
  if (refreshed.length === 0) return '';
  const lines = groupRefreshed(refreshed).map(([names, why]) => `  ${names.join(', ')}: ${why}`);
  return `${heading}\n${lines.join('\n')}\n`;
}
