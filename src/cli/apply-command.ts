import { formatKicks } from '../report/format-kicks.js';
import { fileRecorder } from '../pass/file-recorder.js';
import { fileSource } from '../pass/file-source.js';
import { runPass, type ConnectHosts } from '../pass/run-pass.js';
import { EXIT, ExitError, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { commandPassDeps } from './pass-deps.js';
import { describeResult, progressReporter } from './progress.js';
import { reportProblems } from './read-environment.js';

export interface ApplyCommandOptions {
  env: string;
  json?: boolean;
  ageIdentityFile?: string;
  /** `--settle`: seconds a replacement without a health check must run to count as ready. */
  settle?: string;
}

/** `dockstack apply`: converge every host to the environment file, once, without git. */
export async function applyCommand(
  options: ApplyCommandOptions,
  out: Output,
  connect: ConnectHosts,
): Promise<ExitCode> {
  const settle = options.settle === undefined ? undefined : Number(options.settle);
  if (settle !== undefined && !(Number.isInteger(settle) && settle >= 0 && settle <= 3600)) {
    throw new ExitError(
      EXIT.invalid,
      `--settle ${JSON.stringify(options.settle)}: expected whole seconds from 0 to 3600`,
    );
  }
  const pass = await runPass(
    { goal: 'apply', source: fileSource(options.env), recorder: fileRecorder() },
    commandPassDeps(
      connect,
      {
        apply: {
          ...(options.json === true ? {} : { onEvent: progressReporter(out) }),
          ...(settle === undefined ? {} : { settleMs: settle * 1000 }),
        },
      },
      options.ageIdentityFile,
    ),
  );
  if (pass.stage === 'load') return reportProblems(pass.problems, out);
  if (pass.stage !== 'apply') return EXIT.failed;
  const { result, unreachable } = pass.reconciliation;
  if (options.json === true) {
    out.stdout(
      `${JSON.stringify({ environment: options.env, ...result, unreachable, configured: pass.configured }, null, 2)}\n`,
    );
  } else {
    for (const host of unreachable) {
      const which =
        host.containers.length > 0 ? ` (${host.containers.join(', ')} left as they are)` : '';
      out.stderr(`host ${host.host} unreachable: ${host.error}${which}\n`);
    }
    const failed = result.steps.filter((s) => s.outcome === 'failed');
    if (failed.length > 0) {
      out.stderr(`\n${failed.length} step${failed.length === 1 ? '' : 's'} failed:\n`);
      for (const step of failed) out.stderr(`  ${describeResult(step)}\n`);
    }
    for (const upload of pass.configured.uploaded) {
      if (upload.outcome === 'failed') {
        out.stderr(
          `puppet code not uploaded to ${upload.name} on ${upload.host}: ${upload.error ?? 'failed'}\n`,
        );
      }
    }
    const kicks = formatKicks(pass.configured.kicked);
    if (kicks !== '') out.stdout(kicks);
    const done = result.steps.length - failed.length;
    const verdict = result.converged ? 'converged' : 'NOT converged';
    out.stdout(
      `${verdict}: ${done} step${done === 1 ? '' : 's'} done, ${failed.length} failed, ${unreachable.length} host${unreachable.length === 1 ? '' : 's'} unreachable, in ${(result.durationMs / 1000).toFixed(1)} s\n`,
    );
  }
  return result.converged ? EXIT.ok : EXIT.failed;
}
