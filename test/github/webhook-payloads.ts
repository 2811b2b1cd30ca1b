import { ZERO_SHA, type PushedCommit } from './bare-repo.js';
import type { PullRecord } from './fake-github-state.js';
import { pullRequestJson } from './pull-request-json.js';
import { repositoryJson, userJson, type FakeRepository } from './repository-json.js';

/** Who and where an event comes from. */
export interface EventSource {
  repository: FakeRepository;
  /** The login of whoever caused the event. */
  sender: string;
  /** Set when the receiver is a GitHub App: payloads then carry `installation`. */
  installationId?: number;
}

export interface PushDescription {
  /** `refs/heads/main`. */
  ref: string;
  before: string;
  after: string;
  /** What `after` adds, oldest first; the last one is `head_commit`. */
  commits: PushedCommit[];
  pusher: { name: string; email: string };
}

/** A `pull_request` payload: `opened`, `synchronize` (give `before`/`after` in `extra`), `closed`. */
export function pullRequestPayload(
  action: string,
  pull: PullRecord,
  source: EventSource,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    action,
    number: pull.number,
    pull_request: pullRequestJson(pull, source.repository),
    ...extra,
    ...common(source),
  };
}

/** A `push` payload. */
export function pushPayload(push: PushDescription, source: EventSource): Record<string, unknown> {
  const { repository } = source;
  const commits = push.commits.map((commit) => ({
    ...commit,
    distinct: true,
    url: `${repository.htmlUrl}/commit/${commit.id}`,
  }));
  return {
    ref: push.ref,
    before: push.before,
    after: push.after,
    created: push.before === ZERO_SHA,
    deleted: push.after === ZERO_SHA,
    forced: false,
    base_ref: null,
    compare: `${repository.htmlUrl}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: push.pusher,
    ...common(source),
  };
}

function common(source: EventSource): Record<string, unknown> {
  return {
    repository: repositoryJson(source.repository),
    sender: userJson(source.sender),
    ...(source.installationId === undefined
      ? {}
      : { installation: { id: source.installationId, node_id: `I_${source.installationId}` } }),
  };
}
