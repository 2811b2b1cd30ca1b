import type { RepoName } from './github-api.js';
import type { GitHubEvent } from './webhook-event.js';

export type EventAction =
  | { do: 'reconcile'; reason: string; closed?: number }
  | { do: 'plan'; number: number; headSha: string }
  | { do: 'nothing'; reason: string; closed?: number };

const PLANNED_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/**
 * What a verified event asks of the daemon, for the configured repository and branch: a push to
 * the branch or a merged pull request reconciles; an opened or updated pull request into the
 * branch is planned; anything else, or anything about another repository or branch, is ignored.
 * A closed pull request is named in `closed`: its plan is no longer open.
 */
export function routeEvent(
  event: GitHubEvent,
  target: { repo: RepoName; branch: string },
): EventAction {
  if (event.kind === 'ping') return { do: 'nothing', reason: 'ping' };
  if (event.kind === 'other') return { do: 'nothing', reason: `${event.name} events are not used` };
  const fullName = `${target.repo.owner}/${target.repo.repo}`.toLowerCase();
  if (event.repo.toLowerCase() !== fullName) {
    return { do: 'nothing', reason: `the event is about ${event.repo}, not ${fullName}` };
  }
  if (event.kind === 'push') {
    return event.ref === `refs/heads/${target.branch}`
      ? { do: 'reconcile', reason: `push to ${target.branch}` }
      : { do: 'nothing', reason: `push to ${event.ref}, not the followed branch` };
  }
  if (event.baseRef !== target.branch) {
    return { do: 'nothing', reason: `pull request into ${event.baseRef}, not ${target.branch}` };
  }
  if (event.action === 'closed') {
    return event.merged
      ? { do: 'reconcile', reason: `pull request #${event.number} merged`, closed: event.number }
      : {
          do: 'nothing',
          reason: `pull request #${event.number} closed unmerged`,
          closed: event.number,
        };
  }
  if (PLANNED_ACTIONS.has(event.action)) {
    return { do: 'plan', number: event.number, headSha: event.headSha };
  }
  return { do: 'nothing', reason: `pull_request ${event.action} is not used` };
}
