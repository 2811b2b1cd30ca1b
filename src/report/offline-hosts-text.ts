/** A host a plan did not observe: planned as if it ran nothing. */
export interface OfflineHostLine {
  host: string;
  why: 'changed' | 'new';
}

/** The lines a pull request's plan, as `dockstack plan` prints it, ends with when hosts were offline. */
export function offlineHostsText(offline: readonly OfflineHostLine[]): string {
  if (offline.length === 0) return '';
  const changed = offline.some((o) => o.why === 'changed');
  return [
    ...(changed ? ['This pull request changes hosts:.'] : []),
    'Planned offline, as if they ran nothing (the base branch has other or no endpoints for them):',
    ...offline.map(
      (o) =>
        `  ${o.host}: ${o.why === 'changed' ? 'its hosts: entry changes' : 'not a host of the base branch'}`,
    ),
    '',
  ].join('\n');
}
