import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';

import { runDockstackAsync } from '../cli/run-dockstack-async.js';
import { environmentText, PREFIX, type Services } from '../apply/apply-env.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startGitHttpServer, type GitHttpServer } from '../gitserver/git-http-server.js';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { startDaemon, waitFor, type DaemonProcess } from './daemon-process.js';

export const SECRET = 'webhook-secret-of-the-github-flow-test';
export const TOKEN = 'ghp_token-of-the-github-flow-test-0123456789';
export const PUBLIC_URL = 'http://dockstack.test:3288';
/** GitHub's web address, as on GitHub Enterprise Server: links in reports point there. */
export const WEB_URL = 'https://github.example';

export type StackMode = 'token over smart HTTP' | 'token over file' | 'app over smart HTTP';

export interface GitHubStack {
  remote: RemoteFixture;
  server: GitHttpServer;
  github: FakeGitHub;
  daemon: DaemonProcess;
  /** The env repo's URL, as the daemon follows it. */
  repoUrl: string;
  /** The environment file with these services, in this stack's environment. */
  envFile(services: Services): string;
  /** Commits `services` on a new branch off main and pushes it; returns the head. */
  branch(name: string, text: string, message: string): string;
  /** The bot commit on main that records `applied` (waiting up to `ms`, default 30 s). */
  botCommitFor(applied: string, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The env repo (bare, served over git's smart HTTP protocol or as a file URL), a fake GitHub for
 * it that checks every request against GitHub's REST description, and the daemon reporting there,
 * fed by the fake's signed webhooks.
 */
export async function startGitHubStack(
  mode: StackMode,
  name: string,
  initial: Services | string,
  daemonArgs: readonly string[] = [],
  extra: { files?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
): Promise<GitHubStack> {
  const root = tempDir();
  const envFile = (services: Services) => environmentText(services, { name });
  const first = typeof initial === 'string' ? initial : envFile(initial);
  const remote = createRemote(root.path, { ...extra.files, 'environment.yaml': first });
  const server = await startGitHttpServer(root.path);
  const url = mode === 'token over file' ? remote.fileUrl : server.url('env.git');
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = mode.startsWith('app')
    ? {
        id: 31337,
        installationId: 4711,
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      }
    : undefined;
  const github = await startFakeGitHub({
    owner: 'ops',
    repo: 'env',
    bare: remote.bare,
    cloneUrl: url,
    ...(app === undefined ? { token: TOKEN } : { app }),
  });
  const credentials =
    app === undefined
      ? { GITHUB_TOKEN: TOKEN }
      : {
          DOCKSTACK_GITHUB_APP_ID: String(app.id),
          DOCKSTACK_GITHUB_APP_KEY: keys.privateKey
            .export({ type: 'pkcs1', format: 'pem' })
            .toString(),
        };
  const daemon = await startDaemon(
    [
      '--repo',
      url,
      '--workdir',
      join(root.path, 'work'),
      '--interval',
      '3600',
      '--github-repo',
      'ops/env',
      '--github-api-url',
      github.url,
      '--github-web-url',
      WEB_URL,
      '--public-url',
      PUBLIC_URL,
      ...daemonArgs,
    ],
    { DOCKSTACK_WEBHOOK_SECRET: SECRET, ...credentials, ...extra.env },
  );
  github.setWebhook({ url: `${daemon.base}/webhooks/github`, secret: SECRET });

  const trailer = (sha: string) =>
    git(remote.bare, [
      'log',
      '-1',
      '--format=%(trailers:key=Dockstack-Applied,valueonly)',
      sha,
    ]).trim();
  return {
    remote,
    server,
    github,
    daemon,
    repoUrl: url,
    envFile,
    branch: (branchName, text, message) => {
      const clone = remote.clone;
      git(clone, ['fetch', '--quiet', 'origin']);
      git(clone, ['checkout', '--quiet', '-B', branchName, 'origin/main']);
      remote.push({ 'environment.yaml': text }, message);
      const head = git(clone, ['rev-parse', 'HEAD']);
      git(clone, ['checkout', '--quiet', 'main']);
      return head;
    },
    botCommitFor: (applied, ms) =>
      waitFor(
        `a bot commit applying ${applied.slice(0, 12)}`,
        () => {
          const head = remote.head();
          return trailer(head) === applied ? head : undefined;
        },
        ms,
      ),
    stop: async () => {
      await daemon.stop();
      await github.close();
      await server.stop();
      root.remove();
    },
  };
}

/**
 * Runs a dockstack verb (`create NAME ...`, `remove NAME`) against the stack's env repo as a
 * pull request on its fake GitHub, with `--json`; its output.
 */
export function openPullRequest(
  stack: GitHubStack,
  verb: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  return runDockstackAsync(
    [
      ...verb,
      '--repo',
      stack.repoUrl,
      '--pr',
      '--json',
      '--github-repo',
      'ops/env',
      '--github-api-url',
      stack.github.url,
    ],
    { GITHUB_TOKEN: TOKEN, DOCKSTACK_REPO: undefined, DOCKSTACK_BRANCH: undefined },
  );
}

export const containerName = (tag: string, name: string) => `${PREFIX}-${tag}-${name}`;
