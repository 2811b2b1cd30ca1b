import { recordPath } from '../render/renderer.js';
import type { Source } from './source.js';

/** The environment file as it is at one commit of the env repo (a pull request's head, say). */
export function commitSource(
  repo: { readFile(commit: string, path: string): Promise<string | undefined> },
  envPath: string,
  commit: string,
): Source {
  return {
    read: async () => {
      const record = await repo.readFile(commit, recordPath(envPath));
      return {
        file: envPath,
        bytes: await repo.readFile(commit, envPath),
        git: { head: commit, applied: commit, commits: [] },
        ...(record === undefined ? {} : { record }),
      };
    },
  };
}
