import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

import { createDaemon } from '../daemon/daemon.js';
import { isWorkingCopy, watchWorkingCopy, type PendingEdit } from '../daemon/watch-working-copy.js';
import { daemonConfig, type DaemonFlags } from '../daemon/daemon-config.js';
import { createDaemonMetrics } from '../daemon/daemon-metrics.js';
import { createLogger } from '../daemon/create-logger.js';
import { commitAndPush } from '../git/commit-and-push.js';
import { createGitEnvRepo } from '../git/git-env-repo.js';
import { urlSecrets } from '../git/redact.js';
import { connectHosts } from '../hosts/connect-hosts.js';
import { EXIT, ExitError } from './exit-error.js';
import { repoArgument } from './repo-argument.js';

/**
 * `dockstack daemon`: follows the env repo's branch and converges the hosts at every new commit,
 * until SIGINT or SIGTERM. Resolves when it has stopped.
 */
export async function daemonCommand(
  flags: DaemonFlags,
  processEnv: NodeJS.ProcessEnv,
): Promise<void> {
  let config;
  try {
    config = daemonConfig(flags, processEnv);
  } catch (error) {
    throw new ExitError(EXIT.invalid, error instanceof Error ? error.message : String(error));
  }
  const url = repoArgument(config.repo);
  const secrets = [
    ...urlSecrets(url),
    ...(config.webhookToken === undefined ? [] : [config.webhookToken]),
  ];
  const log = createLogger({ level: config.logLevel, secrets: () => secrets });
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
      log: {
        debug: (meta, message) => {
          log.debug(meta, message);
        },
        warn: (meta, message) => {
          log.warn(meta, message);
        },
      },
    });
  } catch (error) {
    throw new ExitError(EXIT.invalid, error instanceof Error ? error.message : String(error));
  }

  let pendingEdit: PendingEdit | null = null;
  const daemon = createDaemon({
    repo: {
      fetch: () => repo.fetch(),
      firstParentLog: (head, since, limit) => repo.firstParentLog(head, since, limit),
      readFile: (commit, path) => repo.readFile(commit, path),
      findLastTrailer: (head, key) => repo.findLastTrailer(head, key),
      writeBack: (render) => commitAndPush(repo, render, { attempts: 5 }),
    },
    remoteHead: () => repo.remoteHead(),
    envPath: config.envPath,
    connect: (env) => connectHosts(env, processEnv),
    log,
    metrics: createDaemonMetrics(),
    intervalMs: config.intervalSeconds * 1000,
    listen: config.listen,
    ...(config.webhookToken === undefined ? {} : { webhookToken: config.webhookToken }),
    describe: { repo: url, branch: config.branch, envPath: config.envPath },
    extraStatus: () => (pendingEdit === null ? {} : { pendingEdit }),
  });
  await daemon.start();
  const watcher = isWorkingCopy(url, config.envPath)
    ? watchWorkingCopy({
        dir: url,
        branch: config.branch,
        envPath: config.envPath,
        connect: (env) => connectHosts(env, processEnv),
        log,
        onCommit: () => {
          pendingEdit = null;
          daemon.trigger('commit in the working copy').catch(() => undefined);
        },
        onEdit: (edit) => {
          pendingEdit = edit ?? null;
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
