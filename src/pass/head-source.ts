import { RFC1123_LABEL } from '../environment/patterns.js';
import { trailerValues } from '../git/commit-log-format.js';
import type { CommitInfo } from '../git/env-repo.js';
import { envRepoModules } from '../render/puppet-modules.js';
import { TRAILERS } from '../report/trailers.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import { BotRecords } from './bot-records.js';
import type { PassRepo } from './pass-repo.js';
import { readRecord } from './read-record.js';
import type { LastConfigured, Source, SourceCommit } from './source.js';

export interface HeadSourceOptions {
  envPath: string;
  /** How many commits back the first pass looks when nothing was applied yet; 20 unless given. */
  historyLimit?: number;
}

/**
 * The followed branch's head: fetched, with the first-parent commits since the last one the
 * bot recorded as applied (its own commits left out) and the environment file at each of them,
 * with the secrets file beside it. Only the bot's own commits count as its records (see
 * BotRecords); a trailer on any other commit is ignored and reported with the snapshot, and that
 * commit is a change like any other.
 */
export function headSource(repo: PassRepo, options: HeadSourceOptions): Source {
  const { envPath } = options;
  const secretsFile = secretsPath(envPath);
  return {
    read: async () => {
      const head = await repo.fetch();
      const records = new BotRecords(repo, head);
      const appliedRecord = await records.last(TRAILERS.applied);
      const lastApplied = appliedRecord?.names;
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
      const userCommits: CommitInfo[] = [];
      for (const commit of listed) {
        if (!(await records.isRecord(commit, TRAILERS.applied))) userCommits.push(commit);
      }
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
      const record = await readRecord(envPath, (path) => repo.readFile(head, path));
      const configured = await lastConfigured(repo, records, envPath);
      const ignored = records.ignored;
      // Rolled back at the head itself: held while the branch stays there.
      const held =
        userCommits.length === 0 && appliedRecord !== undefined
          ? namesIn(appliedRecord.commit, TRAILERS.rolledBack)
          : [];
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
          ...(ignored.length === 0 ? {} : { ignored }),
          ...(held.length === 0 ? {} : { held }),
        },
      };
    },
  };
}

/** The bot's last `Dockstack-Configured` record, with the file and failures it names. */
async function lastConfigured(
  repo: PassRepo,
  records: BotRecords,
  envPath: string,
): Promise<LastConfigured | undefined> {
  const record = await records.last(TRAILERS.configured);
  if (record === undefined) return undefined;
  const commit = record.names;
  const failed = namesIn(record.commit, TRAILERS.kickFailed);
  const secrets = await repo.readFile(commit, secretsPath(envPath));
  return {
    commit,
    text: await repo.readFile(commit, envPath),
    ...(secrets === undefined ? {} : { secrets }),
    failed,
  };
}

/** The container names a trailer of the bot's lists, space-separated (anything else left out). */
function namesIn(commit: CommitInfo, key: string): string[] {
  return trailerValues(commit, key)
    .flatMap((value) => value.split(/\s+/))
    .filter((name) => RFC1123_LABEL.test(name));
}
