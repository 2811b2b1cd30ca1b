import { dialEngine } from './dial-engine.js';
import type { EngineCaller } from './engine-caller.js';
import { HostError } from './host-error.js';
import { OutputCollector } from './output-collector.js';
import { labelledStopTimeout } from './stop-timeout.js';

/** Gives container `id` the name `name` (a name in use is a conflict). */
export async function renameContainer(
  caller: EngineCaller,
  id: string,
  name: string,
): Promise<void> {
  await caller.call(
    { method: 'rename', action: `rename container ${id} to ${name}` },
    (docker, abortSignal) =>
      dialEngine(docker, {
        path: `/containers/${encodeURIComponent(id)}/rename?`,
        method: 'POST',
        options: { name },
        abortSignal,
        statusCodes: {
          204: true,
          404: 'no such container',
          409: 'name in use',
          500: 'server error',
        },
      }),
  );
}

/** The last `lines` lines of the container's output, stdout and stderr together. */
export async function containerLogs(
  caller: EngineCaller,
  id: string,
  lines: number,
): Promise<string> {
  const output = await caller.call(
    { method: 'logs', action: `read the output of container ${id}`, streaming: true },
    async (docker, signal) => {
      const stream = await docker
        .getContainer(id)
        .logs({ follow: false, stdout: true, stderr: true, tail: lines, abortSignal: signal });
      // Without follow the engine answers with the whole output as one buffer.
      const collector = new OutputCollector();
      collector.push(stream);
      return collector.output();
    },
  );
  return `${output.stdout}${output.stderr}`;
}

/**
 * Stops container `id`, giving it the seconds it was created with, or those its image's label
 * names (a container created before they were read), or `fallbackSeconds`. A stopped or absent
 * container counts as stopped.
 */
export async function stopContainer(
  caller: EngineCaller,
  id: string,
  fallbackSeconds: number,
): Promise<void> {
  let config: { StopTimeout?: unknown; Labels?: Record<string, string> | null } | undefined;
  try {
    const info: unknown = await caller.call(
      { method: 'inspect', action: `inspect container ${id}` },
      (docker, abortSignal) => docker.getContainer(id).inspect({ abortSignal }),
    );
    config = (info as { Config?: typeof config } | null)?.Config;
  } catch (error) {
    if (error instanceof HostError && error.kind === 'not-found') return;
    throw error;
  }
  const own = config?.StopTimeout;
  const t =
    (typeof own === 'number' && Number.isInteger(own) && own >= 0 ? own : undefined) ??
    labelledStopTimeout(config?.Labels ?? {}).seconds ??
    fallbackSeconds;
  await caller.idempotent(
    [304, 404],
    { method: 'stop', action: `stop container ${id}`, waitsSeconds: t, streaming: true },
    (docker, abortSignal) => docker.getContainer(id).stop({ t, abortSignal }),
  );
}
