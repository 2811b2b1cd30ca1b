import type { ObservedContainer } from '../hosts/observed-container.js';
import { isManaged, managedName } from './observed.js';

/**
 * What a replaced container's old self is renamed to while its replacement starts:
 * `NAME.aside`. Container names are RFC 1123 labels (no dot), so it is never a name of the file.
 */
export function asideName(name: string): string {
  return `${name}.aside`;
}

/** True for the old container of a replacement under way (or interrupted), set aside. */
export function isAside(container: ObservedContainer): boolean {
  return isManaged(container) && container.name === asideName(managedName(container));
}
