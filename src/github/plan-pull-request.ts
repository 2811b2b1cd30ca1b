import { freshAddresses } from '../network/fresh-addresses.js';
import { returningAddresses } from '../network/returning-addresses.js';
import { containerSpecs } from '../environment/container-spec.js';
import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { EnvRepo } from '../git/env-repo.js';
import { commitSource } from '../pass/commit-source.js';
import { LoadStage } from '../pass/load-stage.js';
import type { Planned } from '../pass/plan-stage.js';
import { runPass, type PassDeps } from '../pass/run-pass.js';
import type { Plan } from '../plan/plan.js';
import { registeredServices, writeRegisteredServices } from '../render/registered-services.js';
import { invalidReport, planReport, type FileChange, type Report } from '../report/plan-report.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import { fileDiff } from '../util/file-diff.js';
import { pullRequestHosts, type OfflineHost } from './pull-request-hosts.js';

export interface PullRequestPlanDeps {
  repo: Pick<EnvRepo, 'fetch' | 'fetchPull' | 'readFile' | 'readFolder'>;
  envPath: string;
  pass: PassDeps;
  /** A commit's page, for links in the report. */
  commitUrl?: (sha: string) => string;
}

export type PullRequestPlan =
  | { kind: 'gone' }
  | { kind: 'invalid'; headSha: string; problems: Problem[]; report: Report }
  | {
      kind: 'planned';
      headSha: string;
      plan: Plan;
      report: Report;
      /** Hosts planned as if they ran nothing: new to the pull request, or their entry changes. */
      offline: OfflineHost[];
    };

/**
 * What merging pull request `number` would do: a pass up to its plan stage on the pull request's
 * head (validated, then planned against what runs now: one list call per host, nothing changed),
 * with the diff merging causes in the files the daemon writes back. The head is fetched from the
 * configured remote (`refs/pull/N/head`), never from a URL a webhook names. The hosts are reached
 * as the base branch's file (and the daemon's settings) say, never as the pull request's: a host
 * whose `hosts:` entry it changes, or one the base does not name, is planned offline.
 */
export async function planPullRequest(
  deps: PullRequestPlanDeps,
  number: number,
): Promise<PullRequestPlan> {
  const { repo, envPath } = deps;
  const base = await repo.fetch();
  const headSha = await repo.fetchPull(number);
  if (headSha === undefined) return { kind: 'gone' };
  const baseText = (await repo.readFile(base, envPath)) ?? '';
  const load = new LoadStage(deps.pass.loader, deps.pass.ageKeys);
  // The hosts come from the base's environment file alone (a secrets file holds no `hosts:`), so
  // a base whose secrets cannot be decrypted here is still reached as it says.
  const baseHosts = await load.text(baseText, envPath);
  // The base branch's environment with its secrets: the agents kicked are those whose inputs
  // (a changed secret among them) differ from it.
  const baseLoaded = await load.text(
    baseText,
    envPath,
    await repo.readFile(base, secretsPath(envPath)),
  );
  const baseEnv = baseLoaded.ok ? baseLoaded.env : undefined;
  let offline: OfflineHost[] = [];
  const pass = await runPass(
    {
      goal: 'plan',
      source: commitSource(repo, envPath, headSha),
      configured: { env: baseEnv },
    },
    {
      ...deps.pass,
      connect: (env) => {
        const hosts = pullRequestHosts(baseHosts.ok ? baseHosts.env : undefined, env);
        offline = hosts.offline;
        return hosts.connectWith === undefined ? new Map() : deps.pass.connect(hosts.connectWith);
      },
    },
  );
  if (pass.stage === 'load') {
    return {
      kind: 'invalid',
      headSha,
      problems: pass.problems,
      report: invalidReport(headSha, pass.problems, deps.commitUrl),
    };
  }
  const { env, planned } = pass;
  const report = planReport({
    headSha,
    envPath,
    plan: planned.plan,
    unreachable: planned.unreachable,
    offline,
    files: await writeBackDiff(deps, base, baseEnv, env, planned),
    fresh: [...freshAddresses(planned.addresses)],
    returning: [...returningAddresses(planned.addresses)],
    refreshed: planned.refreshed,
    ...(deps.commitUrl === undefined ? {} : { commitUrl: deps.commitUrl }),
  });
  return { kind: 'planned', headSha, plan: planned.plan, report, offline };
}

/**
 * The files the daemon writes back, as they are on the base branch and as they will be once
 * the pull request's environment runs: `registered_services` (every container meant to run),
 * `manifests/site.pp` and the dnsmasq data.
 */
async function writeBackDiff(
  deps: PullRequestPlanDeps,
  base: string,
  baseEnv: Environment | undefined,
  env: Environment,
  planned: Pick<Planned, 'specs' | 'leases'>,
): Promise<FileChange[]> {
  const services = [...Object.keys(env.services), ...Object.keys(env.registered_services ?? {})];
  const registered = (names: Environment['registered_services']) =>
    writeRegisteredServices(
      '',
      Object.fromEntries(Object.entries(names ?? {}).map(([s, n]) => [s, n ?? []])),
    );
  const pairs: [string, string, string][] = [
    [
      `${deps.envPath} (registered_services)`,
      registered(baseEnv?.registered_services),
      writeRegisteredServices('', registeredServices(containerSpecs(env), services)),
    ],
  ];
  for (const [path, after] of Object.entries(
    deps.pass.renderer.files(deps.envPath, env, planned.specs, planned.leases),
  )) {
    pairs.push([path, (await deps.repo.readFile(base, path)) ?? '', after]);
  }
  return pairs.flatMap(([path, before, after]) => {
    const diff = fileDiff(path, before, after);
    return diff === undefined ? [] : [{ path, diff }];
  });
}
