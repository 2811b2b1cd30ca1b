import { freshAddresses } from '../network/fresh-addresses.js';
import { returningAddresses } from '../network/returning-addresses.js';
import { formatProblem } from '../environment/problem.js';
import { committedEnvironment } from '../pass/committed-environment.js';
import { fileSource } from '../pass/file-source.js';
import { LoadStage } from '../pass/load-stage.js';
import { runPass, type ConnectHosts } from '../pass/run-pass.js';
import { countSteps } from '../plan/count-steps.js';
import { isEmpty } from '../plan/plan.js';
import { configureStepNames, formatPlan } from '../report/format-plan.js';
import { formatNotKicked } from '../report/format-refreshed.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { commandPassDeps } from './pass-deps.js';

export interface PlanOptions {
  env: string;
  offline?: boolean;
  json?: boolean;
  color?: boolean;
  ageIdentityFile?: string;
}

/**
 * `dockstack plan`: the steps that would make the hosts match the environment, planned against
 * what they run (one list call per host, nothing changed), or with `--offline` against hosts that
 * run nothing. When the file lies in a git working tree, the running containers whose Puppet
 * configuration changes against the committed file are listed too. Exit 0 in sync (always,
 * offline), 1 with changes pending or a host unreachable, 2 for an invalid environment.
 */
export async function planCommand(
  options: PlanOptions,
  out: Output,
  connect: ConnectHosts,
): Promise<ExitCode> {
  const offline = options.offline === true;
  const deps = commandPassDeps(connect, {}, options.ageIdentityFile);
  // The agents kicked are those whose inputs differ from the file as committed.
  const configured = {
    env: await committedEnvironment(options.env, new LoadStage(undefined, deps.ageKeys)),
  };
  const pass = await runPass(
    { goal: 'plan', source: fileSource(options.env), offline, configured },
    deps,
  );
  if (pass.stage === 'load') {
    if (options.json === true) {
      const report = { environment: options.env, valid: false, problems: pass.problems };
      out.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const problem of pass.problems) out.stderr(`${formatProblem(problem)}\n`);
    }
    return EXIT.invalid;
  }
  if (pass.stage !== 'plan') return EXIT.failed;
  const { plan, unreachable } = pass.planned;
  const refreshed = pass.planned.refreshed;
  if (options.json === true) {
    const report = {
      environment: options.env,
      valid: true,
      offline,
      counts: countSteps(plan),
      plan,
      addresses: Object.fromEntries(pass.planned.addresses),
      unreachable,
      refreshed,
    };
    out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const host of unreachable) {
      const which =
        host.containers.length > 0 ? ` (${host.containers.join(', ')} not planned)` : '';
      out.stderr(`host ${host.host} unreachable: ${host.error}${which}\n`);
    }
    const fresh = freshAddresses(pass.planned.addresses);
    const returning = returningAddresses(pass.planned.addresses);
    out.stdout(formatPlan(plan, { color: options.color ?? out.isTty, fresh, returning }));
    out.stdout(formatNotKicked(refreshed, configureStepNames(plan)));
  }
  if (offline) return EXIT.ok;
  return isEmpty(plan) && unreachable.length === 0 ? EXIT.ok : EXIT.failed;
}
