import { existingSha } from './bare-repo.js';
import type { FakeGitHubCore } from './fake-github-core.js';
import type { AnnotationInput, CheckRunRecord } from './fake-github-state.js';
import { GitHubRefusal, type FakeRoute } from './fake-route.js';

interface CheckRunInput {
  name?: string;
  head_sha?: string;
  details_url?: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: AnnotationInput[] };
}

/**
 * Check runs, open to GitHub Apps only. Beyond the schema GitHub refuses a completed run without
 * a conclusion and a column range on an annotation that spans lines.
 */
export const checkRunRoutes: Record<string, FakeRoute> = {
  'POST /repos/{owner}/{repo}/check-runs': {
    callers: ['installation'],
    handle: ({ body, caller, core }) => {
      const input = body as CheckRunInput;
      const headSha = existingSha(core.repository.bare, input.head_sha ?? '');
      if (headSha === undefined)
        throw new GitHubRefusal(422, `No commit found for SHA: ${input.head_sha ?? ''}`);
      const run: CheckRunRecord = {
        id: core.state.nextId(),
        headSha,
        name: input.name ?? '',
        status: 'queued',
        conclusion: null,
        title: null,
        summary: null,
        text: null,
        annotations: [],
        detailsUrl: null,
        app: caller.login,
        updates: 0,
      };
      apply(run, input);
      core.state.checkRuns.push(run);
      return { status: 201, body: checkRunJson(core, run) };
    },
  },
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': {
    callers: ['installation'],
    handle: ({ params, body, core }) => {
      const run = core.state.checkRuns.find((r) => String(r.id) === params.check_run_id);
      if (run === undefined) throw new GitHubRefusal(404, 'Not Found');
      apply(run, body);
      run.updates++;
      return { status: 200, body: checkRunJson(core, run) };
    },
  },
};

function apply(run: CheckRunRecord, input: CheckRunInput): void {
  const status = input.conclusion === undefined ? (input.status ?? run.status) : 'completed';
  const conclusion = input.conclusion ?? run.conclusion;
  if (status === 'completed' && conclusion === null) {
    throw new GitHubRefusal(
      422,
      'Validation Failed: conclusion is required when status is completed',
    );
  }
  for (const annotation of input.output?.annotations ?? []) {
    const columns = annotation.start_column !== undefined || annotation.end_column !== undefined;
    if (columns && annotation.start_line !== annotation.end_line) {
      throw new GitHubRefusal(
        422,
        'Validation Failed: annotation columns need start_line equal to end_line',
      );
    }
  }
  Object.assign(run, {
    name: input.name ?? run.name,
    status,
    conclusion,
    title: input.output?.title ?? run.title,
    summary: input.output?.summary ?? run.summary,
    text: input.output?.text ?? run.text,
    detailsUrl: input.details_url ?? run.detailsUrl,
  });
  run.annotations.push(...(input.output?.annotations ?? []));
}

function checkRunJson(core: FakeGitHubCore, run: CheckRunRecord): Record<string, unknown> {
  const { apiUrl, htmlUrl } = core.repository;
  return {
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    name: run.name,
    url: `${apiUrl}/check-runs/${run.id}`,
    html_url: `${htmlUrl}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: run.annotations.length,
      annotations_url: `${apiUrl}/check-runs/${run.id}/annotations`,
    },
    app: { id: core.app?.id ?? 0, slug: run.app.replace(/\[bot\]$/, ''), name: run.app },
    pull_requests: [],
  };
}
