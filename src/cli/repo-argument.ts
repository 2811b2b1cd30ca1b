import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** A `--repo` value: a folder that exists is a local repository, by its absolute path; anything else is a URL. */
export function repoArgument(repo: string): string {
  return existsSync(repo) ? resolve(repo) : repo;
}
