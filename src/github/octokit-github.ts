import { App, Octokit } from 'octokit';

import type { CheckRun, GitHubApi, PullRequest } from './github-api.js';
import type { GitHubConfig } from './github-config.js';
import { toGitHubError } from './github-error.js';
import { cut } from '../report/markdown.js';

export interface OctokitGitHubOptions {
  /** Deadline of each request; default 20 s. */
  timeoutMs?: number;
  /** Where octokit's own warnings go. */
  warn?: (message: string) => void;
}

/** GitHub accepts at most 50 annotations per check run request. */
const ANNOTATIONS_PER_REQUEST = 50;
const MAX_DESCRIPTION = 140;
const MAX_SUMMARY = 65_535;

/**
 * The GitHub adapter: octokit with a token or as a GitHub App installation (`@octokit/auth-app`
 * through octokit's App), every request with a deadline. Errors become GitHubErrors whose text
 * never holds a credential.
 */
export async function connectGitHub(
  config: GitHubConfig,
  options: OctokitGitHubOptions = {},
): Promise<GitHubApi> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const warn = options.warn ?? (() => undefined);
  const Client = Octokit.defaults({
    baseUrl: config.apiUrl,
    userAgent: 'dockstack',
    throttle: { enabled: false },
    log: { debug: () => undefined, info: () => undefined, warn, error: warn },
    request: {
      fetch: (url: string, init: RequestInit) =>
        fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    },
  });
  const { owner, repo } = config.repo;

  let octokit: InstanceType<typeof Client>;
  /** The login whose comments dockstack may edit, once known. */
  let botLogin: string | undefined;
  let lookUpLogin: () => Promise<string>;
  if (config.auth.kind === 'token') {
    octokit = new Client({ auth: config.auth.token });
    lookUpLogin = async () => (await octokit.rest.users.getAuthenticated()).data.login;
  } else {
    const app = new App({
      appId: config.auth.appId,
      privateKey: config.auth.privateKey,
      Octokit: Client,
    });
    const installationId =
      config.auth.installationId ??
      (await call(
        'find the App installation',
        async () => (await app.octokit.rest.apps.getRepoInstallation({ owner, repo })).data.id,
      ));
    octokit = await call('authenticate the App installation', () =>
      app.getInstallationOctokit(installationId),
    );
    lookUpLogin = async () => {
      const slug = (await app.octokit.rest.apps.getAuthenticated()).data?.slug;
      if (slug === undefined) throw new Error('the App has no slug');
      return `${slug}[bot]`;
    };
  }

  /** Undefined when GitHub will not say (an Actions token, say): marker and bot type decide. */
  const ownLogin = async (): Promise<string | undefined> => {
    if (botLogin !== undefined) return botLogin;
    try {
      botLogin = await lookUpLogin();
    } catch {
      return undefined;
    }
    return botLogin;
  };

  const checkRunBody = (run: CheckRun, annotations: CheckRun['annotations']) => ({
    name: run.name,
    head_sha: run.headSha,
    status: run.status,
    ...(run.conclusion === undefined ? {} : { conclusion: run.conclusion }),
    ...(run.status === 'completed' ? { completed_at: new Date().toISOString() } : {}),
    ...(run.detailsUrl === undefined ? {} : { details_url: run.detailsUrl }),
    output: {
      title: run.title.slice(0, 255),
      summary: cut(run.summary, MAX_SUMMARY),
      ...(annotations === undefined || annotations.length === 0
        ? {}
        : {
            annotations: annotations.map((a) => ({
              path: a.path,
              start_line: a.startLine,
              end_line: a.endLine,
              ...(a.startLine === a.endLine && a.startColumn !== undefined
                ? { start_column: a.startColumn, end_column: a.endColumn ?? a.startColumn }
                : {}),
              annotation_level: a.level,
              message: cut(a.message, 64 * 1024),
              ...(a.title === undefined ? {} : { title: a.title.slice(0, 255) }),
            })),
          }),
    },
  });

  /** The annotations after the first batch go in further updates, 50 at a time. */
  const moreAnnotations = async (id: number, run: CheckRun) => {
    const rest = run.annotations?.slice(ANNOTATIONS_PER_REQUEST) ?? [];
    for (let i = 0; i < rest.length; i += ANNOTATIONS_PER_REQUEST) {
      const batch = rest.slice(i, i + ANNOTATIONS_PER_REQUEST);
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: id,
        output: checkRunBody(run, batch).output,
      });
    }
  };

  return {
    repo: config.repo,
    canUseChecks: config.auth.kind === 'app',

    setStatus: (status) =>
      call('set a commit status', async () => {
        await octokit.rest.repos.createCommitStatus({
          owner,
          repo,
          sha: status.sha,
          state: status.state,
          context: status.context,
          description: cut(status.description, MAX_DESCRIPTION),
          ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        });
      }),

    createCheckRun: (run) =>
      call('create a check run', async () => {
        const first = run.annotations?.slice(0, ANNOTATIONS_PER_REQUEST);
        const { data } = await octokit.rest.checks.create({
          owner,
          repo,
          ...checkRunBody(run, first),
        });
        await moreAnnotations(data.id, run);
        return data.id;
      }),

    updateCheckRun: (id, run) =>
      call('update a check run', async () => {
        const first = run.annotations?.slice(0, ANNOTATIONS_PER_REQUEST);
        const body = checkRunBody(run, first);
        await octokit.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          status: body.status,
          output: body.output,
          ...(body.conclusion === undefined ? {} : { conclusion: body.conclusion }),
          ...(body.completed_at === undefined ? {} : { completed_at: body.completed_at }),
          ...(body.details_url === undefined ? {} : { details_url: body.details_url }),
        });
        await moreAnnotations(id, run);
      }),

    upsertComment: (pullNumber, marker, body) =>
      call('write the pull request comment', async () => {
        const login = await ownLogin();
        const text = cut(body.includes(marker) ? body : `${marker}\n${body}`, MAX_SUMMARY);
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: pullNumber,
          per_page: 100,
        });
        const mine = comments.find(
          (c) =>
            c.body?.includes(marker) === true &&
            (login === undefined ? c.user?.type === 'Bot' : c.user?.login === login),
        );
        if (mine !== undefined) {
          await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: text });
          return mine.id;
        }
        const { data } = await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: pullNumber,
          body: text,
        });
        return data.id;
      }),

    openPullRequest: (pull) =>
      call('open a pull request', async (): Promise<PullRequest> => {
        const { data } = await octokit.rest.pulls.create({
          owner,
          repo,
          head: pull.head,
          base: pull.base,
          title: pull.title,
          body: pull.body,
        });
        return {
          number: data.number,
          url: data.html_url,
          headSha: data.head.sha,
          headRef: data.head.ref,
          baseRef: data.base.ref,
        };
      }),

    pullRequestsOfCommit: (sha) =>
      call('list the pull requests of a commit', async () => {
        const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          owner,
          repo,
          commit_sha: sha,
        });
        return data
          .filter((p) => p.merge_commit_sha === sha || p.head.sha === sha)
          .map((p) => p.number);
      }),
  };
}

async function call<T>(what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw toGitHubError(what, error);
  }
}
