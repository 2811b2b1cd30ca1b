/** A request the fake answered. */
export interface RecordedRequest {
  method: string;
  /** The path with its query string. */
  path: string;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  status: number;
  /** `POST /repos/{owner}/{repo}/statuses/{sha}` when the description has the operation. */
  route?: string;
}

/** A request GitHub would have refused, or one the fake does not implement. */
export interface Violation {
  method: string;
  path: string;
  body: unknown;
  status: number;
  problems: string[];
}

export interface StatusRecord {
  id: number;
  /** The full commit sha. */
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  /** How many times it was edited since it was created. */
  updates: number;
}

/** An annotation as sent (`annotation_level`, `start_line`, ...). */
export type AnnotationInput = Record<string, unknown>;

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  /** Every annotation sent, across updates (GitHub appends them). */
  annotations: AnnotationInput[];
  detailsUrl: string | null;
  app: string;
  updates: number;
}

export interface PullRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  head: { ref: string; sha: string };
  /** `sha`: the base branch's head when the pull request was opened. */
  base: { ref: string; sha: string };
  user: string;
  createdAt: string;
  closedAt: string | null;
}

/** What the fake holds, for the tests' assertions. */
export interface FakeGitHubState {
  requests: RecordedRequest[];
  violations: Violation[];
  statuses: StatusRecord[];
  comments: CommentRecord[];
  checkRuns: CheckRunRecord[];
  pulls: PullRecord[];
  /** Installation access tokens handed out. */
  installationTokens: Set<string>;
  nextId(): number;
}

export function createFakeGitHubState(): FakeGitHubState {
  let id = 1000;
  return {
    requests: [],
    violations: [],
    statuses: [],
    comments: [],
    checkRuns: [],
    pulls: [],
    installationTokens: new Set(),
    nextId: () => ++id,
  };
}
