/** The repository on GitHub that holds the env repo. */
export interface RepoName {
  owner: string;
  repo: string;
}

/** A commit status (`POST /repos/{owner}/{repo}/statuses/{sha}`). */
export interface CommitStatus {
  sha: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  /** `dockstack/plan`, `dockstack/apply`. */
  context: string;
  /** At most 140 characters; longer text is cut. */
  description: string;
  targetUrl?: string;
}

/** A line of a check run's output pointing at a place in a file. */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  /** Only when startLine equals endLine. */
  startColumn?: number;
  endColumn?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** A check run as created or updated (`/repos/{owner}/{repo}/check-runs`). */
export interface CheckRun {
  headSha: string;
  name: string;
  status: 'in_progress' | 'completed';
  /** Required when completed. */
  conclusion?: 'success' | 'failure' | 'neutral';
  title: string;
  /** Markdown, at most 65,535 characters. */
  summary: string;
  annotations?: CheckAnnotation[];
  detailsUrl?: string;
}

export interface PullRequest {
  number: number;
  /** The page a person opens. */
  url: string;
  headSha: string;
  headRef: string;
  baseRef: string;
}

export interface NewPullRequest {
  /** The branch with the change. */
  head: string;
  /** The branch it is to be merged into. */
  base: string;
  title: string;
  body: string;
}

/**
 * What dockstack needs of GitHub, in its own types. With a token it reports through commit
 * statuses and one PR comment; as a GitHub App it can also use check runs (`canUseChecks`).
 */
export interface GitHubApi {
  readonly repo: RepoName;
  /** True when authenticated as a GitHub App installation (check runs are open to Apps only). */
  readonly canUseChecks: boolean;
  setStatus(status: CommitStatus): Promise<void>;
  /** Creates a check run and returns its id. */
  createCheckRun(run: CheckRun): Promise<number>;
  updateCheckRun(id: number, run: CheckRun): Promise<void>;
  /**
   * Keeps one comment per PR for `marker` (an HTML comment dockstack puts in the body): updates
   * it when it exists, creates it otherwise. Returns the comment's id.
   */
  upsertComment(pullNumber: number, marker: string, body: string): Promise<number>;
  openPullRequest(pull: NewPullRequest): Promise<PullRequest>;
  /** The pull requests a commit belongs to (a merge commit: the PR it merged). */
  pullRequestsOfCommit(sha: string): Promise<number[]>;
}
