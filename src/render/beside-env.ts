import { posix } from 'node:path';

/** The path of `path` (relative to the environment file's folder) beside the file at `envPath`. */
export function besideEnv(envPath: string, path: string): string {
  const dir = posix.dirname(envPath);
  return dir === '.' ? path : posix.join(dir, path);
}
