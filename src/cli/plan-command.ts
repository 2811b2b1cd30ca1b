import { containerSpecs } from '../environment/container-spec.js';
import { formatProblem } from '../environment/problem.js';
import { tierOrder } from '../environment/tier-order.js';
import { countSteps } from '../plan/count-steps.js';
import { formatPlan } from '../plan/format-plan.js';
import { planChanges } from '../plan/plan-changes.js';
import { EXIT, ExitError, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { readEnvironment } from './read-environment.js';

export interface PlanOptions {
  env: string;
  offline?: boolean;
  json?: boolean;
  color?: boolean;
}

/** `dockstack plan`: the steps that would make the hosts match the environment. */
export function planCommand(options: PlanOptions, out: Output): ExitCode {
  if (options.offline !== true) {
    throw new ExitError(
      EXIT.invalid,
      'plan needs --offline: it plans against hosts that run nothing yet',
    );
  }
  const result = readEnvironment(options.env);
  if (!result.ok) {
    if (options.json === true) {
      out.stdout(
        `${JSON.stringify({ environment: options.env, valid: false, problems: result.problems }, null, 2)}\n`,
      );
    } else {
      for (const problem of result.problems) out.stderr(`${formatProblem(problem)}\n`);
    }
    return EXIT.invalid;
  }
  const plan = planChanges(containerSpecs(result.env), [], tierOrder(result.env));
  if (options.json === true) {
    const report = {
      environment: options.env,
      valid: true,
      offline: true,
      counts: countSteps(plan),
      plan,
    };
    out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    out.stdout(formatPlan(plan, { color: options.color ?? out.isTty }));
  }
  return EXIT.ok;
}
