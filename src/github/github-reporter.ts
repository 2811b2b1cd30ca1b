import type { PassResult } from '../pass/pass-result.js';
import type { PassReporter } from '../pass/report-stage.js';
import type { GitRevision } from '../pass/source.js';
import type { Problem } from '../environment/problem.js';
import { applyReport, APPLY_MARKER } from '../report/apply-report.js';
import { formatPlan } from '../report/format-plan.js';
import { offlineHostsText } from '../report/offline-hosts-text.js';
import { PLAN_MARKER, type Report } from '../report/plan-report.js';
import type { Log } from '../util/log.js';
import type { CheckAnnotation, GitHubApi } from './github-api.js';
import type { PullRequestPlan } from './plan-pull-request.js';
import { PullRequestQueue } from './pull-request-queue.js';
import { errorMessage } from '../util/error-message.js';

export const PLAN_CONTEXT = 'dockstack/plan';
export const APPLY_CONTEXT = 'dockstack/apply';

export interface GitHubReporterOptions {
  github: GitHubApi;
  /** Plans one pull request (see planPullRequest). */
  plan: (number: number) => Promise<PullRequestPlan>;
  /** The daemon's /api/status, linked from statuses and checks. */
  statusUrl: string;
  /** A commit's page on GitHub, for links in reports. */
  commitUrl?: (sha: string) => string;
  /** Each plan as it is reported, for the daemon's status; `null`: the head is gone. */
  planned?: (number: number, plan: PlannedPull | null) => void;
  log: Log;
}

/** One pull request's plan as `dockstack plan` prints it, or why there is none. */
export interface PlannedPull {
  headSha: string;
  outcome: 'planned' | 'invalid' | 'error';
  plan?: string;
  problems?: Problem[];
  error?: string;
}

export interface GitHubReporter extends PassReporter {
  /** A pull request was opened or its head moved: plan it and report (queued, coalesced). */
  planPull(number: number, headSha: string): void;
  /** New commits are about to be applied: a pending `dockstack/apply` status on the applied one. */
  applying(revision: GitRevision): Promise<void>;
  /**
   * A pass ended: the status of the applied commit, and the result on its pull requests. Queued
   * off the pass's path: it returns at once.
   */
  passed(result: PassResult): Promise<void>;
  /** Resolves when every queued plan and result is reported. */
  idle(): Promise<void>;
}

/**
 * GitHub as dockstack's front door: the plan of every pull request (a check run as a GitHub App;
 * a commit status and one comment kept up to date with a token), and the result of every merge
 * it applies (a `dockstack/apply` status on the commit, a comment on the pull request). A
 * failure to report is logged and never stops the daemon.
 */
export function createGitHubReporter(options: GitHubReporterOptions): GitHubReporter {
  const { github, log, statusUrl } = options;
  /** The last report per head and context, so that a repeat posts nothing new. */
  const posted = new Map<string, string>();
  const once = async (key: string, body: string, post: () => Promise<unknown>) => {
    if (posted.get(key) === body) return;
    await post();
    posted.set(key, body);
    if (posted.size > 5000) posted.delete(posted.keys().next().value ?? '');
  };

  /** A `dockstack/plan` check run in progress on `headSha`; its id. */
  const openCheck = (headSha: string) =>
    github.createCheckRun({
      headSha,
      name: PLAN_CONTEXT,
      status: 'in_progress',
      title: 'Planning',
      summary: 'dockstack is planning this pull request against what runs now.',
      detailsUrl: statusUrl,
    });

  const planPull = async (number: number, headSha: string) => {
    const checkId = github.canUseChecks ? await openCheck(headSha) : undefined;
    if (checkId === undefined) {
      await once(`${headSha}\0plan-pending`, '', () =>
        github.setStatus({
          sha: headSha,
          state: 'pending',
          context: PLAN_CONTEXT,
          description: 'planning against what runs now',
          targetUrl: statusUrl,
        }),
      );
    }
    let result: PullRequestPlan;
    try {
      result = await options.plan(number);
    } catch (error) {
      const reason = errorMessage(error);
      options.planned?.(number, { headSha, outcome: 'error', error: reason });
      await finish(number, headSha, checkId, 'error', {
        title: 'Could not plan',
        body: `${PLAN_MARKER}\ndockstack could not plan this pull request: ${reason}`,
      });
      throw error;
    }
    if (result.kind === 'gone') {
      options.planned?.(number, null);
      log.info({ pull: number }, 'pull request head not found on the remote: nothing planned');
      return;
    }
    let check = checkId;
    if (result.headSha !== headSha) {
      log.info({ pull: number, event: headSha, fetched: result.headSha }, 'pull request moved on');
      if (checkId !== undefined) {
        // The check opened for the older head closes, pointing at the newer one, which gets its own.
        await github.updateCheckRun(checkId, {
          headSha,
          name: PLAN_CONTEXT,
          status: 'completed',
          conclusion: 'neutral',
          title: 'Superseded',
          summary: `The pull request moved on to ${result.headSha}; see the plan there.`,
        });
        check = await openCheck(result.headSha);
      }
    }
    const annotations =
      result.kind === 'invalid'
        ? result.problems.map((p): CheckAnnotation => ({
            path: p.file,
            startLine: p.line,
            endLine: p.line,
            startColumn: p.col,
            endColumn: p.col,
            level: 'failure',
            message: p.hint === undefined ? p.message : `${p.message} (${p.hint})`,
          }))
        : [];
    options.planned?.(
      number,
      result.kind === 'invalid'
        ? { headSha: result.headSha, outcome: 'invalid', problems: result.problems }
        : {
            headSha: result.headSha,
            outcome: 'planned',
            plan: formatPlan(result.plan) + offlineHostsText(result.offline),
          },
    );
    const state = result.kind === 'invalid' ? 'failure' : 'success';
    await finish(number, result.headSha, check, state, result.report, annotations);
    log.info({ pull: number, head: result.headSha, outcome: result.kind }, 'pull request planned');
  };

  const finish = async (
    number: number,
    headSha: string,
    checkId: number | undefined,
    state: 'success' | 'failure' | 'error',
    report: Report,
    annotations: CheckAnnotation[] = [],
  ) => {
    if (checkId !== undefined) {
      const run = {
        headSha,
        name: PLAN_CONTEXT,
        status: 'completed' as const,
        conclusion: state === 'success' ? ('success' as const) : ('failure' as const),
        title: report.title,
        summary: report.body,
        annotations,
        detailsUrl: statusUrl,
      };
      await once(`${headSha}\0plan-check`, report.body, () => github.updateCheckRun(checkId, run));
      return;
    }
    // The comment first: a final status tells people and merge gates that the plan is there.
    await once(`pull-${number}\0plan-comment`, report.body, () =>
      github.upsertComment(number, PLAN_MARKER, report.body),
    );
    await once(`${headSha}\0plan-status`, `${state}\0${report.title}`, () =>
      github.setStatus({
        sha: headSha,
        state,
        context: PLAN_CONTEXT,
        description: report.title,
        targetUrl: statusUrl,
      }),
    );
  };

  const queue = new PullRequestQueue(planPull, (number, error) => {
    log.warn({ err: error, pull: number }, 'planning the pull request failed');
  });

  const applyStatus = (
    sha: string,
    state: 'pending' | 'success' | 'failure',
    description: string,
  ) =>
    once(`${sha}\0apply`, `${state}\0${description}`, () =>
      github.setStatus({ sha, state, context: APPLY_CONTEXT, description, targetUrl: statusUrl }),
    );

  /** Results of passes, reported one after the other. */
  let results: Promise<void> = Promise.resolve();

  const reportResult = async (result: PassResult) => {
    const revision = result.git;
    if (revision === undefined || revision.commits.length === 0 || result.stage === 'plan') return;
    try {
      if (result.stage === 'load') {
        await applyStatus(
          revision.head,
          'failure',
          `invalid environment (${result.problems.length} problems): nothing applied`,
        );
        return;
      }
      const { reconciliation } = result;
      const addresses = new Map(result.observed.map((c) => [c.name, c.addresses ?? []] as const));
      const report = applyReport({
        applied: revision.applied,
        reconciliation,
        state: result.state,
        addresses,
        kicked: result.configured.kicked,
        ...(result.recorded === undefined ? {} : { writeBack: result.recorded }),
        statusUrl,
        ...(options.commitUrl === undefined ? {} : { commitUrl: options.commitUrl }),
      });
      await applyStatus(
        revision.applied,
        reconciliation.result.converged ? 'success' : 'failure',
        report.title,
      );
      const pulls = new Set<number>();
      for (const commit of revision.commits) {
        for (const pull of await github.pullRequestsOfCommit(commit.sha)) pulls.add(pull);
      }
      for (const pull of pulls) await github.upsertComment(pull, APPLY_MARKER, report.body);
    } catch (error) {
      log.warn({ err: error, commit: revision.applied }, 'reporting the apply to GitHub failed');
    }
  };

  return {
    planPull: (number, headSha) => {
      queue.request(number, headSha);
    },

    applying: async (revision) => {
      try {
        await applyStatus(revision.applied, 'pending', 'applying to the Docker hosts');
      } catch (error) {
        log.warn({ err: error, commit: revision.applied }, 'reporting the apply to GitHub failed');
      }
    },

    passed: (result) => {
      results = results.then(() => reportResult(result));
      return Promise.resolve();
    },

    idle: () => Promise.all([queue.idle(), results]).then(() => undefined),
  };
}
