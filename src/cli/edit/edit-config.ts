import { DEFAULT_ENV_FILE } from '../../environment/load-environment.js';
import type { Person } from '../../git/git-input.js';
import { checkBranch, checkPath, checkPerson } from '../../git/git-input.js';
import { parseRepoUrl } from '../../git/repo-url.js';
import {
  githubConfig,
  GITHUB_ENV,
  type GitHubConfig,
  type GitHubFlags,
} from '../../github/github-config.js';
import { errorMessage } from '../../util/error-message.js';
import { repoArgument } from '../repo-argument.js';

/** The flags every edit command (create, remove, start, stop) shares. */
export interface EditFlags extends GitHubFlags {
  repo?: string;
  branch?: string;
  envPath?: string;
  pr?: boolean;
  message?: string;
  authorName?: string;
  authorEmail?: string;
  json?: boolean;
  dryRun?: boolean;
}

/** The environment variables the edit commands read, each standing in for the flag beside it. */
export const EDIT_ENV = {
  repo: 'DOCKSTACK_REPO',
  branch: 'DOCKSTACK_BRANCH',
  envPath: 'DOCKSTACK_ENV_PATH',
  authorName: 'DOCKSTACK_AUTHOR_NAME',
  authorEmail: 'DOCKSTACK_AUTHOR_EMAIL',
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** Who commits when neither a flag nor a variable says: the daemon's bot. */
export const DEFAULT_AUTHOR: Person = { name: 'dockstack', email: 'dockstack@localhost' };

export interface EditConfig {
  /** The env repo: a URL, or a local repository by its absolute path. */
  repo: string;
  branch: string;
  envPath: string;
  author: Person;
  /** The commit subject given with --message. */
  message?: string;
  json: boolean;
  dryRun: boolean;
  /** Set with --pr: where the pull request is opened. */
  pullRequest?: GitHubConfig;
}

/**
 * The configuration of an edit command: flags win over environment variables over defaults.
 * Checks everything that reaches git or GitHub; throws one message listing every problem.
 */
export function editConfig(flags: EditFlags, env: NodeJS.ProcessEnv): EditConfig {
  const problems: string[] = [];
  const check = <T>(task: () => T): T | undefined => {
    try {
      return task();
    } catch (error) {
      problems.push(errorMessage(error));
      return undefined;
    }
  };
  const given = flags.repo ?? env[EDIT_ENV.repo];
  const repo =
    given === undefined || given === ''
      ? (problems.push(`give the env repo with --repo or ${EDIT_ENV.repo}`), undefined)
      : check(() => parseRepoUrl(repoArgument(given)).url);
  const branch = check(() => checkBranch(flags.branch ?? env[EDIT_ENV.branch] ?? 'main'));
  const envPath = check(() =>
    checkPath(flags.envPath ?? env[EDIT_ENV.envPath] ?? DEFAULT_ENV_FILE),
  );
  const author = check(() =>
    checkPerson({
      name: flags.authorName ?? env[EDIT_ENV.authorName] ?? DEFAULT_AUTHOR.name,
      email: flags.authorEmail ?? env[EDIT_ENV.authorEmail] ?? DEFAULT_AUTHOR.email,
    }),
  );
  if (flags.message !== undefined && (flags.message.trim() === '' || CONTROL.test(flags.message))) {
    problems.push('--message: one line of text, not empty');
  }
  const wantsPullRequest = flags.pr === true && flags.dryRun !== true;
  const github = wantsPullRequest ? check(() => githubConfig(flags, env, repo) ?? null) : undefined;
  if (github === null) {
    problems.push(
      `--pr opens a pull request on GitHub: give a token with --github-token-file or ${GITHUB_ENV.githubToken}, or a GitHub App with --github-app-id and --github-app-key-file`,
    );
  }
  if (
    problems.length > 0 ||
    repo === undefined ||
    branch === undefined ||
    envPath === undefined ||
    author === undefined
  ) {
    throw new Error(problems.join('; '));
  }
  return {
    repo,
    branch,
    envPath,
    author,
    ...(flags.message === undefined ? {} : { message: flags.message.trim() }),
    json: flags.json === true,
    dryRun: flags.dryRun === true,
    ...(github == null ? {} : { pullRequest: github }),
  };
}
