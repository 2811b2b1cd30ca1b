type Names = ReadonlySet<string> | readonly string[];

/**
 * What a plan says after a container's address when where it comes from is news: ` (new)` for
 * one never given to the name, ` (returning)` for the one the name kept since it left the file;
 * empty otherwise.
 */
export function addressNote(
  name: string,
  fresh: Names | undefined,
  returning: Names | undefined,
): string {
  if (named(fresh, name)) return ' (new)';
  if (named(returning, name)) return ' (returning)';
  return '';
}

function named(names: Names | undefined, name: string): boolean {
  if (names === undefined) return false;
  return 'has' in names ? names.has(name) : names.includes(name);
}
