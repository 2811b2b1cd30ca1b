import { readSecretFile } from '../util/read-secret-file.js';
import type { RepoName } from './github-api.js';

/** How dockstack reaches GitHub: where, which repository, and as whom. */
export interface GitHubConfig {
  /** REST API base: `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  /** Web base used in links: `https://github.com`, or `https://HOST`. */
  webUrl: string;
  repo: RepoName;
  auth:
    | { kind: 'token'; token: string }
    | { kind: 'app'; appId: number; privateKey: string; installationId?: number };
}

export interface GitHubFlags {
  githubRepo?: string;
  githubApiUrl?: string;
  githubWebUrl?: string;
  githubTokenFile?: string;
  githubAppId?: string;
  githubAppKeyFile?: string;
  githubInstallationId?: string;
}

/** The environment variables read, each the same as the flag named beside it. */
export const GITHUB_ENV = {
  githubRepo: 'DOCKSTACK_GITHUB_REPO',
  githubApiUrl: 'GITHUB_API_URL',
  githubWebUrl: 'GITHUB_SERVER_URL',
  githubToken: 'GITHUB_TOKEN',
  githubTokenFile: 'DOCKSTACK_GITHUB_TOKEN_FILE',
  githubAppId: 'DOCKSTACK_GITHUB_APP_ID',
  githubAppKey: 'DOCKSTACK_GITHUB_APP_KEY',
  githubAppKeyFile: 'DOCKSTACK_GITHUB_APP_KEY_FILE',
  githubInstallationId: 'DOCKSTACK_GITHUB_INSTALLATION_ID',
} as const;

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The GitHub configuration from flags and environment variables, or undefined when no
 * credentials are given (GitHub reporting is then off). The repository comes from
 * `--github-repo OWNER/NAME`, or from the env repo's URL when it is on the GitHub host. Secrets
 * are read from files or environment variables only. Throws one message listing every problem;
 * the message never holds a secret.
 */
export function githubConfig(
  flags: GitHubFlags,
  env: NodeJS.ProcessEnv,
  repoUrl?: string,
): GitHubConfig | undefined {
  const pick = (flag: keyof GitHubFlags, variable: string) => flags[flag] ?? env[variable];
  const problems: string[] = [];
  const tokenFile = pick('githubTokenFile', GITHUB_ENV.githubTokenFile);
  const token =
    tokenFile === undefined
      ? nonEmpty(env[GITHUB_ENV.githubToken])
      : readSecret(tokenFile, 'GitHub token', problems);
  const appId = pick('githubAppId', GITHUB_ENV.githubAppId);
  if (token === undefined && appId === undefined && tokenFile === undefined) return undefined;

  const { apiUrl, webUrl, repoText } = githubWhere(flags, env, repoUrl);
  if (!isHttpUrl(apiUrl))
    problems.push(`--github-api-url ${JSON.stringify(apiUrl)}: expected an http(s) URL`);
  if (!isHttpUrl(webUrl))
    problems.push(`--github-web-url ${JSON.stringify(webUrl)}: expected an http(s) URL`);

  const repo = parseRepoName(repoText);
  if (repo === undefined) {
    problems.push(
      repoText === undefined
        ? 'give the GitHub repository with --github-repo OWNER/NAME (or DOCKSTACK_GITHUB_REPO)'
        : `--github-repo ${JSON.stringify(repoText)}: expected OWNER/NAME`,
    );
  }

  let auth: GitHubConfig['auth'] | undefined;
  if (appId !== undefined) {
    const id = positiveInt(appId);
    if (id === undefined)
      problems.push(`--github-app-id ${JSON.stringify(appId)}: expected a positive integer`);
    const keyFile = pick('githubAppKeyFile', GITHUB_ENV.githubAppKeyFile);
    const key =
      keyFile === undefined
        ? nonEmpty(env[GITHUB_ENV.githubAppKey])
        : readSecret(keyFile, 'GitHub App private key', problems);
    if (key === undefined && keyFile === undefined) {
      problems.push(
        'give the App private key with --github-app-key-file or DOCKSTACK_GITHUB_APP_KEY',
      );
    } else if (key !== undefined && !key.includes('PRIVATE KEY-----')) {
      problems.push('the GitHub App private key is not a PEM private key');
    }
    const installationText = pick('githubInstallationId', GITHUB_ENV.githubInstallationId);
    const installationId =
      installationText === undefined ? undefined : positiveInt(installationText);
    if (installationText !== undefined && installationId === undefined) {
      problems.push(
        `--github-installation-id ${JSON.stringify(installationText)}: expected a positive integer`,
      );
    }
    if (id !== undefined && key !== undefined) {
      auth = {
        kind: 'app',
        appId: id,
        privateKey: key,
        ...(installationId === undefined ? {} : { installationId }),
      };
    }
  } else if (token !== undefined) {
    auth = { kind: 'token', token };
  }
  if (problems.length > 0 || auth === undefined || repo === undefined) {
    throw new Error(problems.join('; ') || 'incomplete GitHub configuration');
  }
  return { apiUrl, webUrl, repo, auth };
}

/**
 * The repository events are about, without credentials: `--github-repo`, or the env repo's URL
 * when it is on the GitHub web host.
 */
export function githubRepoName(
  flags: GitHubFlags,
  env: NodeJS.ProcessEnv,
  repoUrl: string,
): RepoName | undefined {
  return parseRepoName(githubWhere(flags, env, repoUrl).repoText);
}

/** The API and web URLs, and the repository as given or read from the env repo's URL. */
function githubWhere(
  flags: GitHubFlags,
  env: NodeJS.ProcessEnv,
  repoUrl: string | undefined,
): { apiUrl: string; webUrl: string; repoText: string | undefined } {
  const apiUrl = trimSlash(
    flags.githubApiUrl ?? env[GITHUB_ENV.githubApiUrl] ?? 'https://api.github.com',
  );
  const webUrl = trimSlash(flags.githubWebUrl ?? env[GITHUB_ENV.githubWebUrl] ?? webUrlOf(apiUrl));
  const repoText = flags.githubRepo ?? env[GITHUB_ENV.githubRepo] ?? repoFromUrl(repoUrl, webUrl);
  return { apiUrl, webUrl, repoText };
}

/** The page of a commit of the configured repository on GitHub's web host. */
export function commitPage(config: Pick<GitHubConfig, 'webUrl' | 'repo'>): (sha: string) => string {
  return (sha) => `${config.webUrl}/${config.repo.owner}/${config.repo.repo}/commit/${sha}`;
}

/** A pull request's page on GitHub. */
export function pullPage(
  config: Pick<GitHubConfig, 'webUrl' | 'repo'>,
): (number: number) => string {
  return (number) =>
    `${config.webUrl}/${config.repo.owner}/${config.repo.repo}/pull/${String(number)}`;
}

/** `OWNER/NAME` as GitHub allows them. */
export function parseRepoName(text: string | undefined): RepoName | undefined {
  const parts = text?.replace(/\.git$/, '').split('/');
  if (parts?.length !== 2) return undefined;
  const [owner = '', repo = ''] = parts;
  if (!OWNER.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..') return undefined;
  return { owner, repo };
}

/** `https://api.github.com` -> `https://github.com`; `https://HOST/api/v3` -> `https://HOST`. */
export function webUrlOf(apiUrl: string): string {
  if (/^https:\/\/api\.github\.com$/i.test(apiUrl)) return 'https://github.com';
  return apiUrl.replace(/\/api\/v3$/, '');
}

/** OWNER/NAME of an https or ssh URL on the web host, if it is one. */
function repoFromUrl(url: string | undefined, webUrl: string): string | undefined {
  if (url === undefined) return undefined;
  const host = safeHost(webUrl);
  if (host === undefined) return undefined;
  const https = new RegExp(
    `^https://(?:[^@/]+@)?${escape(host)}/([^/]+/[^/]+?)(?:\\.git)?/?$`,
    'i',
  );
  const ssh = new RegExp(`^(?:ssh://)?git@${escape(host)}[:/]([^/]+/[^/]+?)(?:\\.git)?$`, 'i');
  return https.exec(url)?.[1] ?? ssh.exec(url)?.[1];
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '';
  } catch {
    return false;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function positiveInt(text: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function readSecret(path: string, what: string, problems: string[]): string | undefined {
  try {
    const text = nonEmpty(readSecretFile(path, what));
    if (text === undefined) problems.push(`the ${what} file ${path} is empty`);
    return text;
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}
