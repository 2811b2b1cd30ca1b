import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

import { loadDashboard } from '../dashboard/dashboard.js';
import { createDaemon, type Daemon } from '../daemon/daemon.js';
import { isWorkingCopy, watchWorkingCopy } from '../daemon/watch-working-copy.js';
import { daemonConfig, isLoopback, type DaemonFlags } from '../daemon/daemon-config.js';
import { createDaemonMetrics } from '../daemon/daemon-metrics.js';
import { createLogger } from '../daemon/create-logger.js';
import { MAX_WEBHOOK_BODY } from '../daemon/http-server.js';
import { commitAndPush } from '../git/commit-and-push.js';
import { createGitEnvRepo } from '../git/git-env-repo.js';
import { urlSecrets } from '../git/url-secrets.js';
import { redact } from '../util/redact.js';
import { watchEngines } from '../daemon/watch-engines.js';
import { connectHosts } from '../hosts/connect-hosts.js';
import type { RepoName } from '../github/github-api.js';
import {
  commitPage,
  githubConfig,
  pullPage,
  githubRepoName,
  type GitHubFlags,
} from '../github/github-config.js';
import { createGitHubReporter, type GitHubReporter } from '../github/github-reporter.js';
import { planPullRequest } from '../github/plan-pull-request.js';
import { createWebhookHandler } from '../github/webhook-handler.js';
import type { PassDeps } from '../pass/run-pass.js';
import { cachingLoader, workerLoader } from '../pass/worker-loader.js';
import { loadRenderer } from '../render/renderer.js';
import { systemClock } from '../util/clock.js';
import { commandAgeKeys } from './age-keys.js';
import { EXIT, ExitError } from './exit-error.js';
import { repoArgument } from './repo-argument.js';
import { errorMessage } from '../util/error-message.js';

/**
 * `dockstack daemon`: follows the env repo's branch and converges the hosts at every new commit,
 * until SIGINT or SIGTERM. Resolves when it has stopped.
 */
export async function daemonCommand(
  flags: DaemonFlags & GitHubFlags & { ageIdentityFile?: string },
  processEnv: NodeJS.ProcessEnv,
): Promise<void> {
  let config;
  let github;
  let githubRepo: RepoName | undefined;
  let url: string;
  try {
    config = daemonConfig(flags, processEnv);
    url = repoArgument(config.repo);
    github = githubConfig(flags, processEnv, url);
    githubRepo = github?.repo ?? githubRepoName(flags, processEnv, url);
    if (config.webhookSecret !== undefined && githubRepo === undefined) {
      throw new Error(
        'the GitHub webhook needs the repository its events are about: give --github-repo OWNER/NAME',
      );
    }
  } catch (error) {
    throw new ExitError(EXIT.invalid, errorMessage(error));
  }
  const secrets = [
    ...urlSecrets(url),
    ...(config.webhookToken === undefined ? [] : [config.webhookToken]),
    ...(config.webhookSecret === undefined ? [] : [config.webhookSecret]),
    ...(config.readToken === undefined ? [] : [config.readToken]),
    ...(github?.auth.kind === 'token' ? [github.auth.token] : []),
    ...(github?.auth.kind === 'app' ? privateKeyLines(github.auth.privateKey) : []),
  ];
  const log = createLogger({ level: config.logLevel, secrets: () => secrets });
  if (!isLoopback(config.listen.host) && config.publicUrl === undefined) {
    log.warn(
      { listen: config.listen.host },
      'the listener answers only for loopback names and IP addresses: give --public-url with the host name people and webhooks use',
    );
  }
  const workDir = join(
    resolve(config.workdir),
    createHash('sha256').update(`${url}\n${config.branch}`).digest('hex').slice(0, 16),
  );

  let repo;
  try {
    repo = createGitEnvRepo({
      url,
      branch: config.branch,
      workDir,
      author: { name: config.botName, email: config.botEmail },
      ...(config.signingKeyFile === undefined ? {} : { signingKey: config.signingKeyFile }),
      log,
    });
  } catch (error) {
    throw new ExitError(EXIT.invalid, errorMessage(error));
  }

  const listenHost = ['0.0.0.0', '::', ''].includes(config.listen.host)
    ? 'localhost'
    : config.listen.host.includes(':')
      ? `[${config.listen.host}]`
      : config.listen.host;
  const publicUrl = config.publicUrl ?? `http://${listenHost}:${String(config.listen.port)}`;
  const clock = systemClock;
  const pass: PassDeps = {
    connect: (env) =>
      connectHosts(env, processEnv, config.tlsDir === undefined ? {} : { tlsDir: config.tlsDir }),
    renderer: loadRenderer(),
    // Validation runs off the thread that answers /healthz, and once per text.
    loader: cachingLoader(workerLoader()),
    // Read at every pass that needs them: a key file replaced on disk counts from the next pass.
    ageKeys: commandAgeKeys(flags.ageIdentityFile, processEnv),
    clock,
    log,
    dns: new Map(),
    code: new Map(),
    apply: {
      readyTimeoutMs: config.readyTimeoutSeconds * 1000,
      settleMs: config.settleSeconds * 1000,
    },
  };
  let reporter: GitHubReporter | undefined;
  // The reporter tells the daemon, made after it, each pull request's plan.
  const late: { daemon?: Daemon } = {};
  if (githubRepo !== undefined && github !== undefined) {
    let api;
    try {
      // octokit is loaded only when GitHub is configured: it weighs on an idle daemon.
      const { connectGitHub } = await import('../github/octokit-github.js');
      api = await connectGitHub(github, {
        warn: (message) => {
          log.warn({ detail: message }, 'GitHub client warning');
        },
      });
    } catch (error) {
      throw new ExitError(
        EXIT.failed,
        `cannot connect to GitHub at ${github.apiUrl}: ${errorMessage(error)}`,
      );
    }
    reporter = createGitHubReporter({
      github: api,
      plan: (number) =>
        planPullRequest(
          { repo, envPath: config.envPath, pass, commitUrl: commitPage(github) },
          number,
        ),
      statusUrl: `${publicUrl}/api/status`,
      commitUrl: commitPage(github),
      planned: (number, plan) => {
        late.daemon?.pullPlanned(number, plan);
      },
      log,
    });
  }
  const webhooks =
    githubRepo === undefined || config.webhookSecret === undefined
      ? undefined
      : createWebhookHandler({
          secret: config.webhookSecret,
          target: { repo: githubRepo, branch: config.branch },
          canPlan: reporter !== undefined,
          maxBytes: MAX_WEBHOOK_BODY,
          log,
        });

  const daemon = createDaemon({
    repo: {
      fetch: () => repo.fetch(),
      firstParentLog: (head, since, limit) => repo.firstParentLog(head, since, limit),
      readFile: (commit, path) => repo.readFile(commit, path),
      readFolder: (commit, path) => repo.readFolder(commit, path),
      findLastTrailer: (head, key) => repo.findLastTrailer(head, key),
      whyNotOwn: (commit) => repo.whyNotOwn(commit),
      isAncestor: (ancestor, descendant) => repo.isAncestor(ancestor, descendant),
      writeBack: (change, head) =>
        commitAndPush(repo, change, { attempts: 5, ...(head === undefined ? {} : { head }) }),
    },
    remoteHead: () => repo.remoteHead(),
    envPath: config.envPath,
    pass,
    log,
    metrics: createDaemonMetrics(),
    clock,
    intervalMs: config.intervalSeconds * 1000,
    driftIntervalMs: config.driftIntervalSeconds * 1000,
    repair: config.repair,
    watchEngines: (changed) => watchEngines({ connect: pass.connect, changed, clock, log }),
    listen: config.listen,
    ...(config.webhookToken === undefined ? {} : { webhookToken: config.webhookToken }),
    ...(config.readToken === undefined ? {} : { readToken: config.readToken }),
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
    dashboard: loadDashboard(),
    ...(githubRepo === undefined
      ? {}
      : {
          commitUrl: commitPage({
            webUrl: github?.webUrl ?? 'https://github.com',
            repo: githubRepo,
          }),
          pullUrl: pullPage({ webUrl: github?.webUrl ?? 'https://github.com', repo: githubRepo }),
        }),
    secrets: () => secrets,
    describe: {
      repo: redact(url),
      branch: config.branch,
      envPath: config.envPath,
      ...(githubRepo === undefined ? {} : { github: `${githubRepo.owner}/${githubRepo.repo}` }),
    },
    ...(reporter === undefined
      ? {}
      : {
          reporters: [reporter],
          planPull: (number: number, headSha: string) => {
            reporter.planPull(number, headSha);
          },
          idle: () => reporter.idle(),
        }),
    ...(webhooks === undefined ? {} : { webhooks }),
  });
  late.daemon = daemon;
  await daemon.start();
  const watcher = isWorkingCopy(url, config.envPath)
    ? watchWorkingCopy({
        dir: url,
        branch: config.branch,
        envPath: config.envPath,
        pass,
        clock,
        log,
        onCommit: () => {
          daemon.edited(null);
          daemon.trigger('commit in the working copy').catch(() => undefined);
        },
        onEdit: (edit) => {
          daemon.edited(edit ?? null);
        },
      })
    : undefined;
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      void Promise.all([daemon.stop(), watcher?.close()]).then(() => {
        done();
      });
    };
    process.once('SIGINT', () => {
      stop('SIGINT');
    });
    process.once('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
}

/** The lines of a PEM key, each masked wherever it might show up. */
function privateKeyLines(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
}
