/**
 * `lastmodified` as sops binds the MAC to it: the time formatted as Go's RFC 3339 layout writes
 * it (no fraction of a second, `Z` for UTC).
 */
export function macAdditionalData(lastModified: string): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(lastModified);
  if (match === null) return lastModified;
  const [, time = '', zone = ''] = match;
  return `${time}${zone === '+00:00' || zone === '-00:00' ? 'Z' : zone}`;
}

/** A time as sops writes `lastmodified`: UTC, to the second. */
export function sopsTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
