import type { PullRecord } from './fake-github-state.js';
import { repositoryJson, userJson, type FakeRepository } from './repository-json.js';

/** A pull request as the REST API returns it and `pull_request` payloads carry it. */
export function pullRequestJson(
  pull: PullRecord,
  repository: FakeRepository,
): Record<string, unknown> {
  const repo = repositoryJson(repository);
  const side = (end: { ref: string; sha: string }): Record<string, unknown> => ({
    label: `${repository.owner}:${end.ref}`,
    ref: end.ref,
    sha: end.sha,
    user: userJson(repository.owner),
    repo,
  });
  return {
    id: 500_000 + pull.number,
    node_id: `PR_${pull.number}`,
    number: pull.number,
    url: `${repository.apiUrl}/pulls/${pull.number}`,
    html_url: `${repository.htmlUrl}/pull/${pull.number}`,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    user: userJson(pull.user),
    created_at: pull.createdAt,
    updated_at: pull.closedAt ?? pull.createdAt,
    closed_at: pull.closedAt,
    merged_at: pull.merged ? pull.closedAt : null,
    merge_commit_sha: pull.mergeCommitSha,
    draft: false,
    head: side(pull.head),
    base: side(pull.base),
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    author_association: 'MEMBER',
  };
}
