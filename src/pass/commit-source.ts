import { envRepoModules } from '../render/puppet-modules.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import type { PassRepo } from './pass-repo.js';
import { readRecord } from './read-record.js';
import type { Source } from './source.js';

/**
 * The environment file and the secrets file beside it as they are at one commit of the env repo
 * (a pull request's head, say).
 */
export function commitSource(
  repo: Pick<PassRepo, 'readFile' | 'readFolder'>,
  envPath: string,
  commit: string,
): Source {
  return {
    read: async () => {
      const record = await readRecord(envPath, (path) => repo.readFile(commit, path));
      const modules = await repo.readFolder(commit, envRepoModules(envPath));
      const secrets = await repo.readFile(commit, secretsPath(envPath));
      return {
        file: envPath,
        bytes: await repo.readFile(commit, envPath),
        ...(secrets === undefined ? {} : { secrets }),
        git: { head: commit, applied: commit, commits: [] },
        ...(record === undefined ? {} : { record }),
        ...(modules === undefined ? {} : { modules }),
      };
    },
  };
}
