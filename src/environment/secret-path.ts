import type { Path } from './locate.js';
import { isSecretKey, PUBLIC_COMMON_KEYS } from './schema.js';

/**
 * True when the value at `path` may be a secret and must not be quoted: a secret field of
 * `common`, or a parameter whose name looks secret (whether or not `public_parameters` lists it).
 */
export function isSecretPath(path: Path): boolean {
  if (path[0] !== 'common') return false;
  const [, field, parameter] = path;
  if (field === 'parameters') return typeof parameter === 'string' && isSecretKey(parameter);
  return typeof field === 'string' && isSecretKey(field, PUBLIC_COMMON_KEYS);
}
