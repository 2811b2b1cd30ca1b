import { z } from 'zod';

/** A GitHub webhook event, reduced to what dockstack acts on. */
export type GitHubEvent = PingEvent | PushEvent | PullRequestEvent | OtherEvent;

export interface PingEvent {
  kind: 'ping';
}

export interface PushEvent {
  kind: 'push';
  /** `owner/name` as the payload names it. */
  repo: string;
  /** `refs/heads/main`. */
  ref: string;
  after: string;
}

export interface PullRequestEvent {
  kind: 'pull_request';
  action: string;
  repo: string;
  number: number;
  headSha: string;
  baseRef: string;
  merged: boolean;
  mergeCommitSha: string | null;
}

/** An event dockstack does not act on. */
export interface OtherEvent {
  kind: 'other';
  name: string;
}

const Sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-digit hex commit id');
const Repository = z.object({ full_name: z.string().min(3).max(200) });

const Push = z.object({ ref: z.string().min(1).max(1000), after: Sha, repository: Repository });

const PullRequest = z.object({
  action: z.string().min(1).max(64),
  number: z.int().positive(),
  repository: Repository,
  pull_request: z.object({
    head: z.object({ sha: Sha }),
    base: z.object({ ref: z.string().min(1).max(1000) }),
    merged: z.boolean().nullish(),
    merge_commit_sha: Sha.nullish(),
  }),
});

/** The event's fields dockstack reads, checked; an error message when the payload lacks them. */
export function parseEvent(
  name: string,
  payload: unknown,
): { ok: true; event: GitHubEvent } | { ok: false; message: string } {
  const fail = (error: z.ZodError) => ({
    ok: false as const,
    message: `${name} payload: ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
  });
  if (name === 'ping') return { ok: true, event: { kind: 'ping' } };
  if (name === 'push') {
    const parsed = Push.safeParse(payload);
    if (!parsed.success) return fail(parsed.error);
    const { ref, after, repository } = parsed.data;
    return { ok: true, event: { kind: 'push', repo: repository.full_name, ref, after } };
  }
  if (name === 'pull_request') {
    const parsed = PullRequest.safeParse(payload);
    if (!parsed.success) return fail(parsed.error);
    const { action, number, repository, pull_request: pr } = parsed.data;
    return {
      ok: true,
      event: {
        kind: 'pull_request',
        action,
        repo: repository.full_name,
        number,
        headSha: pr.head.sha,
        baseRef: pr.base.ref,
        merged: pr.merged === true,
        mergeCommitSha: pr.merge_commit_sha ?? null,
      },
    };
  }
  return { ok: true, event: { kind: 'other', name } };
}
