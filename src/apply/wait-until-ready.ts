import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import type { Clock } from '../util/clock.js';

export interface ReadyOptions {
  clock: Clock;
  timeoutMs: number;
  pollMs: number;
  /** Called at each look while its health check says it is starting. */
  whileStarting?: () => Promise<void>;
  /**
   * Without a health check: how long it must run, not restarted by the engine, to be ready
   * (0: running is ready).
   */
  settleMs?: number;
}

/**
 * Resolves once the container runs, and is healthy when its image has a health check (or, without
 * one, has run `settleMs` without a restart); throws when it exits, is restarted, turns unhealthy,
 * or is not ready by the deadline.
 */
export async function waitUntilReady(
  host: DockerHost,
  id: string,
  options: ReadyOptions,
): Promise<void> {
  const deadline = options.clock.now() + options.timeoutMs;
  // A settle time longer than the timeout could never be met.
  const settleMs = Math.min(options.settleMs ?? 0, options.timeoutMs);
  let since: { at: number; restarts: number } | undefined;
  for (;;) {
    const status = await host.containerStatus(id);
    if (!status.running) {
      const code = status.exitCode === undefined ? '' : ` with code ${status.exitCode}`;
      throw new HostError(host.name, 'engine', `exited${code} right after it started`);
    }
    if (status.health === 'healthy') return;
    if (status.health === undefined) {
      const restarts = status.restartCount ?? 0;
      since ??= { at: options.clock.now(), restarts };
      if (restarts !== since.restarts) {
        throw new HostError(host.name, 'engine', 'restarted by the engine right after it started');
      }
      if (options.clock.now() - since.at >= settleMs) return;
    }
    if (status.health === 'unhealthy')
      throw new HostError(host.name, 'engine', 'its health check failed');
    if (status.health === 'starting') await options.whileStarting?.();
    if (options.clock.now() >= deadline) {
      throw new HostError(
        host.name,
        'engine',
        `not ${since === undefined ? 'healthy' : 'ready'} ${Math.round(options.timeoutMs / 1000)} s after it started`,
      );
    }
    await options.clock.sleep(options.pollMs);
  }
}
