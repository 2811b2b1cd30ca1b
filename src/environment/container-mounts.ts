import { createHash } from 'node:crypto';

import { parseVolumeEntry } from './volume-entry.js';

/** What a container has mounted: a named volume of dockstack's, or a folder of the host. */
export type Mount =
  | { type: 'volume'; name: string; target: string; readOnly?: boolean }
  | { type: 'bind'; source: string; target: string; readOnly?: boolean };

/**
 * The name of the volume dockstack keeps for `target` in `container` of `environment`:
 * `dockstack-ENV.CONTAINER.PATH`, the path's segments joined by `-` (`/var/lib/mysql` gives
 * `dockstack-prod.gal1.var-lib-mysql`). Environment and container names hold no dot, so the name
 * says whose it is; a path the joining could confuse with another (one holding `-` or a character
 * Docker does not take in a name) gets a short hash of itself appended.
 */
export function volumeName(environment: string, container: string, target: string): string {
  const joined = target.slice(1).split('/').join('-');
  const slug = joined.replace(/[^a-zA-Z0-9_.]/g, (c) => (c === '-' ? '-' : '_'));
  const lossless = !target.slice(1).includes('-') && slug === joined;
  const suffix = lossless
    ? ''
    : `-${createHash('sha256').update(target).digest('hex').slice(0, 8)}`;
  return `dockstack-${environment}.${container}.${slug}${suffix}`;
}

/**
 * The mounts the `volumes:` entries ask for (entries of the service first, then the container's;
 * a later entry for the same path replaces an earlier one). Expects validated entries.
 */
export function containerMounts(
  entries: readonly string[],
  environment: string,
  container: string,
): Mount[] {
  const byTarget = new Map<string, Mount>();
  for (const entry of entries) {
    const request = parseVolumeEntry(entry);
    if (request === undefined) continue;
    const readOnly = request.readOnly ? { readOnly: true } : {};
    byTarget.set(
      request.target,
      request.type === 'bind'
        ? { type: 'bind', source: request.source, target: request.target, ...readOnly }
        : {
            type: 'volume',
            name: volumeName(environment, container, request.target),
            target: request.target,
            ...readOnly,
          },
    );
  }
  return [...byTarget.values()];
}

/**
 * `mounts`, plus a named volume for each of `dataFolders` (the folders the image declares that
 * must outlive a container) that no mount covers already.
 */
export function withDataFolders(
  mounts: readonly Mount[],
  dataFolders: readonly string[],
  environment: string,
  container: string,
): Mount[] {
  const all = [...mounts];
  for (const target of dataFolders) {
    if (all.some((m) => m.target === target)) continue;
    all.push({ type: 'volume', name: volumeName(environment, container, target), target });
  }
  return all;
}
