import type { Command } from 'commander';

import { GITHUB_ENV } from '../github/github-config.js';

/**
 * Adds the flags that say how to reach GitHub (read by `githubConfig` as GitHubFlags), each
 * with the environment variable that stands in for it. Secrets come from files or variables,
 * never from the command line.
 */
export function addGitHubOptions(command: Command): Command {
  return command
    .option(
      '--github-repo <owner/name>',
      `the env repo on GitHub (${GITHUB_ENV.githubRepo}; default: from --repo when it is on GitHub)`,
    )
    .option(
      '--github-api-url <url>',
      `GitHub's REST API (${GITHUB_ENV.githubApiUrl}, default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)`,
    )
    .option(
      '--github-web-url <url>',
      `GitHub's web address, for links (${GITHUB_ENV.githubWebUrl}, default: from the API URL)`,
    )
    .option(
      '--github-token-file <file>',
      `file holding a GitHub token (${GITHUB_ENV.githubTokenFile}, or the token itself in ${GITHUB_ENV.githubToken})`,
    )
    .option('--github-app-id <id>', `act as this GitHub App instead (${GITHUB_ENV.githubAppId})`)
    .option(
      '--github-app-key-file <file>',
      `the App's private key, PEM (${GITHUB_ENV.githubAppKeyFile}, or the key itself in ${GITHUB_ENV.githubAppKey})`,
    )
    .option(
      '--github-installation-id <id>',
      `the App's installation (${GITHUB_ENV.githubInstallationId}; default: looked up for the repository)`,
    );
}
