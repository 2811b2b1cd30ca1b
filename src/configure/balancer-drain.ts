import type { ContainerHook } from '../apply/executor.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { isManaged } from '../plan/observed.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';

/**
 * The image label of a balancer that takes a server out of rotation and back when asked, by the
 * server's name, which is its container's (images/README.md: the haproxy image).
 */
export const BALANCER_LABEL = 'org.dockstack.balancer';
export const BALANCER_RUNTIME_API = 'runtime-api';

export const DRAIN_COMMAND = ['dockstack-service', 'drain'] as const;
export const READY_COMMAND = ['dockstack-service', 'ready'] as const;

/** How long a balancer may take to drain a server, or to see it serving again. */
const DEADLINE_MS = 60_000;

export interface BalancerDrainInput {
  hosts: ReadonlyMap<string, DockerHost>;
  /** What the pass observed: the balancers are the running ones of the environment among them. */
  observed: readonly ObservedContainer[];
  environment: string;
  log: Log;
}

/**
 * Takes a container out of its balancers' rotation before it is replaced, and back once its
 * replacement is ready (waiting until each balancer sees it serving, so the next member of a
 * rolling replacement never leaves fewer servers), or once its old container is back. A balancer
 * that cannot do it is logged and the replacement goes on: its health checks still take a
 * stopped server out, a few requests later.
 */
export class BalancerDrain implements ContainerHook {
  constructor(private readonly input: BalancerDrainInput) {}

  async beforeReplace(spec: ContainerSpec): Promise<void> {
    await this.ask(spec, [...DRAIN_COMMAND, spec.name], {}, 'drained');
  }

  async afterReplace(spec: ContainerSpec, replaced: boolean): Promise<void> {
    // Only a ready replacement is waited for: after a rollback the rollout stops there.
    const wait = { READY_WAIT: replaced ? String(DEADLINE_MS / 2_000) : '0' };
    await this.ask(spec, [...READY_COMMAND, spec.name], wait, 'back in rotation');
  }

  private async ask(
    spec: ContainerSpec,
    command: readonly string[],
    env: Record<string, string>,
    done: string,
  ): Promise<void> {
    await Promise.all(
      this.balancers(spec).map(async ({ host, container }) => {
        const where = { container: spec.name, balancer: container.name };
        try {
          const run = await host.exec(container.id, command, { deadlineMs: DEADLINE_MS, env });
          const servers = run.stdout.split('\n').filter((line) => line.trim() !== '');
          if (run.exitCode !== 0) {
            this.input.log.warn(
              { ...where, exitCode: run.exitCode, output: run.stderr.trim() },
              `balancer did not say the container is ${done}`,
            );
          } else if (servers.length > 0) {
            this.input.log.info({ ...where, servers }, `container ${done}`);
          }
        } catch (error) {
          this.input.log.warn(
            { ...where, error: errorMessage(error) },
            `balancer did not say the container is ${done}`,
          );
        }
      }),
    );
  }

  /** The environment's running balancers, on hosts this pass reaches, other than `spec`. */
  private balancers(spec: ContainerSpec): { host: DockerHost; container: ObservedContainer }[] {
    return this.input.observed.flatMap((container) => {
      const host = this.input.hosts.get(container.host);
      const balancer =
        isManaged(container) &&
        container.running &&
        container.labels[LABELS.environment] === this.input.environment &&
        container.labels[BALANCER_LABEL] === BALANCER_RUNTIME_API &&
        container.name !== spec.name;
      return balancer && host !== undefined ? [{ host, container }] : [];
    });
  }
}
