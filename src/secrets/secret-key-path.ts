/**
 * The keys of a path as `dockstack secrets set` takes it: dotted (`common.galera_password`) or
 * as sops writes it (`["common"]["galera_password"]`, for keys that hold a dot). Undefined when
 * it is neither, or names an empty key.
 */
export function secretKeyPath(text: string): string[] | undefined {
  let keys: string[];
  if (text.startsWith('[')) {
    const parts = [...text.matchAll(/\["((?:[^"\\]|\\.)*)"\]/g)];
    if (parts.map((m) => m[0]).join('') !== text) return undefined;
    keys = parts.map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  } else {
    keys = text.split('.');
  }
  return keys.length > 0 && keys.every((key) => key !== '') ? keys : undefined;
}
