import { z } from 'zod';

/**
 * One entry of a `volumes:` list, in the short syntax Docker users know:
 * - `/var/lib/mysql`: a named volume at that path, made and kept by dockstack for the container
 * - `/srv/backup:/backup`: the host's folder /srv/backup at /backup (a bind mount)
 * - either with `:ro` (read-only) or `:rw` (the default) after it
 * Paths are absolute; what makes a path unfit (`..`, `//`, a trailing `/`) is told by
 * `volumeEntryProblem`, so the message can say which part is wrong.
 */
export const VOLUME_ENTRY = /^(\/[^:]*)(?::(\/[^:]*))?(?::(ro|rw))?$/;

export const VolumeEntry = z
  .string()
  .regex(
    VOLUME_ENTRY,
    'expected /PATH (a volume dockstack keeps), or /HOST/PATH:/PATH (a folder of the host), either optionally followed by :ro',
  )
  .describe(
    '/PATH for a named volume dockstack makes and keeps, /HOST/PATH:/PATH for a folder of the Docker host; :ro makes it read-only',
  );

/** What a `volumes:` entry asks for. */
export type VolumeRequest =
  | { type: 'volume'; target: string; readOnly: boolean }
  | { type: 'bind'; source: string; target: string; readOnly: boolean };

/** The entry as a request; undefined when it does not match VOLUME_ENTRY. */
export function parseVolumeEntry(entry: string): VolumeRequest | undefined {
  const match = VOLUME_ENTRY.exec(entry);
  if (match === null) return undefined;
  const [, first = '', second, mode] = match;
  const readOnly = mode === 'ro';
  if (second === undefined) return { type: 'volume', target: first, readOnly };
  return { type: 'bind', source: first, target: second, readOnly };
}

/**
 * Why `path` cannot be mounted at or from, or undefined when it can: it must be absolute and
 * written the one way the engine keeps it (no empty, `.` or `..` segment, no trailing `/`), with
 * no control character, and not the root itself.
 */
export function mountPathProblem(path: string): string | undefined {
  if (path === '/') return 'is the root folder';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'holds a control character';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return "has an empty segment ('//' or a trailing '/')";
  if (segments.some((s) => s === '.' || s === '..')) return "has a '.' or '..' segment";
  return undefined;
}
