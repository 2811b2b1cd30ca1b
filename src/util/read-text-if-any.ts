import { readFileSync } from 'node:fs';

/** The text of the file at `path`, or undefined when it cannot be read (missing, say). */
export function readTextIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
