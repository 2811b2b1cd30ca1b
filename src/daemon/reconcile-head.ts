import { observeHosts } from '../apply/observe-hosts.js';
import { reconcile, type Reconciliation } from '../apply/reconcile.js';
import { containerSpecs, environmentName } from '../environment/container-spec.js';
import { loadEnvironment } from '../environment/load-environment.js';
import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { compareState, type ContainerState } from '../plan/compare-state.js';
import { asSeenBy, isManaged, type ObservedContainer } from '../plan/observed.js';
import type { CommitRecord } from './commit-record.js';
import { recordCommit } from './record-commit.js';
import { renderWriteBack } from './render-write-back.js';
import { runningServices } from './running-services.js';
import { TRAILERS } from './trailers.js';

/** A commit of the env repo, in the daemon's terms. */
export interface RepoCommit {
  sha: string;
  parents: string[];
  author: { name: string; email: string };
  date: string;
  subject: string;
  trailers: Record<string, string[]>;
}

/** What the daemon needs of the env repo. */
export interface DaemonRepo {
  fetch(): Promise<string>;
  firstParentLog(head: string, since?: string, limit?: number): Promise<RepoCommit[]>;
  readFile(commit: string, path: string): Promise<string | undefined>;
  findLastTrailer(head: string, key: string): Promise<RepoCommit | undefined>;
  /** Renders on the current head, commits as the bot and pushes (fast-forward only), retrying on a race. */
  writeBack(
    render: (head: string) => Promise<WriteBackFiles | undefined>,
  ): Promise<string | undefined>;
}

export interface WriteBackFiles {
  files: Record<string, string>;
  message: string;
  trailers: Record<string, string>;
}

export interface PassDeps {
  repo: DaemonRepo;
  envPath: string;
  connect: (env: Environment) => Map<string, DockerHost>;
  /** How many commits back the first pass looks when nothing was applied yet. */
  historyLimit?: number;
  /** Called before new commits are applied, with the commit whose environment is applied. */
  beforeApply?: (applied: string) => Promise<void>;
}

export interface PassResult {
  head: string;
  /** The commit whose environment now runs: the head, or the last one applied when only the bot committed since. */
  applied: string;
  /** The commits new since the last applied one, oldest first (the bot's own left out). */
  commits: CommitRecord[];
  /** Set when the head's environment is invalid: nothing was applied. */
  invalid?: Problem[];
  reconciliation?: Reconciliation;
  /** Desired against observed after the apply. */
  state?: ContainerState[];
  /** The environment's own containers as observed after the apply. */
  observed?: ObservedContainer[];
  /** The bot's commit, when one was pushed. */
  writeBack?: string;
}

/**
 * One pass of the daemon: fetch; list the first-parent commits since the last one the bot
 * recorded as applied, with each one's delta; apply the newest environment once; write back what
 * runs as one bot commit (none when nothing changed). An invalid head applies nothing.
 */
export async function reconcileHead(deps: PassDeps): Promise<PassResult> {
  const { repo, envPath } = deps;
  const head = await repo.fetch();
  const lastBot = await repo.findLastTrailer(head, TRAILERS.applied);
  const lastApplied = lastBot?.trailers[TRAILERS.applied]?.[0];
  const listed = await repo.firstParentLog(
    head,
    lastApplied,
    lastApplied === undefined ? (deps.historyLimit ?? 20) : undefined,
  );
  const userCommits = listed.filter((c) => c.trailers[TRAILERS.applied] === undefined);
  const commits: CommitRecord[] = [];
  for (const commit of userCommits) commits.push(await recordCommit(repo, envPath, commit));

  const applied = userCommits.length === 0 && lastApplied !== undefined ? lastApplied : head;
  const text = await repo.readFile(head, envPath);
  const loaded = loadEnvironment(text ?? '', { file: envPath });
  if (!loaded.ok) {
    return { head, applied, commits, invalid: loaded.problems };
  }
  const env = loaded.env;
  if (userCommits.length > 0) await deps.beforeApply?.(applied);
  const hosts = deps.connect(env);
  try {
    const reconciliation = await reconcile(env, { hosts });
    const after = await observeHosts(hosts.values());
    const seen = asSeenBy(environmentName(env), after.observed);
    const reachable = containerSpecs(env).filter((s) => !after.unreachable.has(s.host));
    const state = compareState(reachable, seen);
    const registered = runningServices(env, seen, new Set(after.unreachable.keys()));
    const writeBack = await repo.writeBack(async (base) => {
      const baseText = base === head ? (text ?? '') : ((await repo.readFile(base, envPath)) ?? '');
      return renderWriteBack({
        envPath,
        envText: baseText,
        env,
        registered,
        appliedCommit: applied,
        reconciliation,
      });
    });
    return {
      head,
      applied,
      commits,
      reconciliation,
      state,
      observed: seen.filter(isManaged),
      ...(writeBack === undefined ? {} : { writeBack }),
    };
  } finally {
    for (const host of hosts.values()) host.close();
  }
}
