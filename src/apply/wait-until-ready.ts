import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import type { Clock } from '../util/clock.js';

export interface ReadyOptions {
  clock: Clock;
  timeoutMs: number;
  pollMs: number;
  /** Called at each look while its health check says it is starting. */
  whileStarting?: () => Promise<void>;
}

/**
 * Resolves once the container runs, and is healthy when its image has a health check; throws when
 * it exits, turns unhealthy, or is not there by the deadline.
 */
export async function waitUntilReady(
  host: DockerHost,
  id: string,
  options: ReadyOptions,
): Promise<void> {
  const deadline = options.clock.now() + options.timeoutMs;
  for (;;) {
    const status = await host.containerStatus(id);
    if (!status.running) {
      const code = status.exitCode === undefined ? '' : ` with code ${status.exitCode}`;
      throw new HostError(host.name, 'engine', `exited${code} right after it started`);
    }
    if (status.health === undefined || status.health === 'healthy') return;
    if (status.health === 'unhealthy')
      throw new HostError(host.name, 'engine', 'its health check failed');
    await options.whileStarting?.();
    if (options.clock.now() >= deadline) {
      throw new HostError(
        host.name,
        'engine',
        `not healthy ${Math.round(options.timeoutMs / 1000)} s after it started`,
      );
    }
    await options.clock.sleep(options.pollMs);
  }
}
