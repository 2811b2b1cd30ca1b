import { readFileSync } from 'node:fs';

/**
 * The secret held in the file at `path` (a token, a webhook secret, a key), without the white
 * space around it. A file that cannot be read throws an error naming the file, never its content.
 */
export function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new Error(
      `cannot read the ${what} file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
