import { RFC1123_LABEL } from '../environment/patterns.js';
import { envRepoModules } from '../render/puppet-modules.js';
import { recordPath } from '../render/renderer.js';
import { TRAILERS } from '../report/trailers.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import type { PassRepo } from './pass-repo.js';
import type { LastConfigured, Source, SourceCommit } from './source.js';

const SHA = /^[0-9a-f]{40}$/;

export interface HeadSourceOptions {
  envPath: string;
  /** How many commits back the first pass looks when nothing was applied yet; 20 unless given. */
  historyLimit?: number;
}

/**
 * The followed branch's head: fetched, with the first-parent commits since the last one the
 * bot recorded as applied (its own commits left out) and the environment file at each of them,
 * with the secrets file beside it.
 */
export function headSource(repo: PassRepo, options: HeadSourceOptions): Source {
  const { envPath } = options;
  const secretsFile = secretsPath(envPath);
  return {
    read: async () => {
      const head = await repo.fetch();
      const lastBot = await repo.findLastTrailer(head, TRAILERS.applied);
      const lastApplied = lastBot?.trailers[TRAILERS.applied]?.[0];
      const listed = await repo.firstParentLog(
        head,
        lastApplied,
        lastApplied === undefined ? (options.historyLimit ?? 20) : undefined,
      );
      const texts = new Map<string, Promise<string | undefined>>();
      const textAt = (sha: string) => {
        let text = texts.get(sha);
        if (text === undefined) {
          text = repo.readFile(sha, envPath);
          texts.set(sha, text);
        }
        return text;
      };
      const secrets = new Map<string, Promise<string | undefined>>();
      const secretsAt = (sha: string) => {
        let text = secrets.get(sha);
        if (text === undefined) {
          text = repo.readFile(sha, secretsFile);
          secrets.set(sha, text);
        }
        return text;
      };
      const withSecrets = async (sha: string) => {
        const text = await secretsAt(sha);
        return text === undefined ? {} : { secrets: text };
      };
      const userCommits = listed.filter((c) => c.trailers[TRAILERS.applied] === undefined);
      const commits: SourceCommit[] = [];
      for (const commit of userCommits) {
        commits.push({
          ...commit,
          text: await textAt(commit.sha),
          ...(await withSecrets(commit.sha)),
        });
      }
      const first = userCommits[0]?.parents[0];
      const before = first === undefined ? undefined : await textAt(first);
      const beforeSecrets = first === undefined ? undefined : await secretsAt(first);
      const record = await repo.readFile(head, recordPath(envPath));
      const configured = await lastConfigured(repo, head, envPath);
      const modules = await repo.readFolder(head, envRepoModules(envPath));
      return {
        file: envPath,
        bytes: await textAt(head),
        ...(await withSecrets(head)),
        ...(record === undefined ? {} : { record }),
        ...(modules === undefined ? {} : { modules }),
        git: {
          head,
          applied: userCommits.length === 0 && lastApplied !== undefined ? lastApplied : head,
          commits,
          ...(before === undefined ? {} : { before }),
          ...(beforeSecrets === undefined ? {} : { beforeSecrets }),
          ...(configured === undefined ? {} : { configured }),
        },
      };
    },
  };
}

/** The last `Dockstack-Configured` trailer on the branch, with the file and failures it names. */
async function lastConfigured(
  repo: PassRepo,
  head: string,
  envPath: string,
): Promise<LastConfigured | undefined> {
  const bot = await repo.findLastTrailer(head, TRAILERS.configured);
  const commit = bot?.trailers[TRAILERS.configured]?.[0];
  if (bot === undefined || commit === undefined || !SHA.test(commit)) return undefined;
  const failed = (bot.trailers[TRAILERS.kickFailed] ?? [])
    .flatMap((value) => value.split(/\s+/))
    .filter((name) => RFC1123_LABEL.test(name));
  const secrets = await repo.readFile(commit, secretsPath(envPath));
  return {
    commit,
    text: await repo.readFile(commit, envPath),
    ...(secrets === undefined ? {} : { secrets }),
    failed,
  };
}
