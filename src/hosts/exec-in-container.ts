import type { EngineCaller } from './engine-caller.js';
import { envList } from './env-list.js';
import type { ExecOptions, ExecResult } from './exec-result.js';
import { HostError } from './host-error.js';
import { readOutput } from './read-output.js';

/** How long a command may run unless its options say otherwise. */
export const EXEC_DEADLINE_MS = 60_000;

/**
 * Runs `command` in container `id` through the engine's exec API: creates the exec, starts it on
 * a hijacked connection that carries stdin in and the multiplexed output out, then reads its exit
 * code.
 */
export async function execInContainer(
  caller: EngineCaller,
  id: string,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  if (command.length === 0) throw new RangeError('exec needs a command');
  const spec = { method: 'exec', action: `run ${command[0] ?? ''} in container ${id}` } as const;
  const created = await caller.call(spec, (docker, abortSignal) =>
    docker.getContainer(id).exec({
      Cmd: [...command],
      AttachStdin: options.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(options.user === undefined ? {} : { User: options.user }),
      ...(options.env === undefined ? {} : { Env: envList(options.env) }),
      abortSignal,
    }),
  );
  const output = await caller.timed(
    spec,
    options.deadlineMs ?? EXEC_DEADLINE_MS,
    async (docker, signal) => {
      const stream = await docker
        .getExec(created.id)
        .start({ hijack: true, stdin: true, Detach: false, Tty: false, abortSignal: signal });
      const output = readOutput(stream, signal);
      if (options.stdin !== undefined) stream.write(options.stdin);
      stream.end();
      return output;
    },
  );
  return { exitCode: await exitCodeOf(caller, created.id, spec.action), ...output };
}

/** The exit code of a finished exec; the engine may take a moment to record it after the output. */
async function exitCodeOf(caller: EngineCaller, execId: string, action: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await caller.call({ method: 'inspect', action }, (docker, abortSignal) =>
      docker.getExec(execId).inspect({ abortSignal }),
    );
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
  }
  throw new HostError(
    caller.host,
    'engine',
    `Docker host ${caller.host} reported no exit code after the output ended: ${action}`,
  );
}
