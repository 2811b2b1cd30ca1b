import type Docker from 'dockerode';

import type { ContainerSpec } from '../src/environment/container-spec.js';
import { createOptions } from '../src/hosts/create-options.js';
import { LABELS } from '../src/hosts/ownership-labels.js';
import { labelsFor } from '../src/plan/labels.js';
import { TEST_IMAGES } from '../test/testbed/docker-testbed.js';
import { benchPidOf } from './daemon-environment.js';

/** Throws, naming the scripts to run, unless the local engine answers and holds the test images. */
export async function assertLocalEngine(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `the local Docker engine does not answer (${error instanceof Error ? error.message : String(error)}): ` +
        'run test/testbed/start-docker.sh (test/testbed/install.sh first on a fresh machine)',
    );
  }
  const present = new Set((await docker.listImages()).flatMap((image) => image.RepoTags ?? []));
  const missing = TEST_IMAGES.filter((image) => !present.has(image));
  if (missing.length > 0) {
    throw new Error(
      `the local engine lacks ${missing.join(', ')}: run test/testbed/make-images.sh`,
    );
  }
}

/**
 * Force-removes the containers of the daemon benchmark's environments (by their environment label)
 * that `owned` accepts, given the pid of the benchmark process that made them. Returns how many.
 */
export async function removeBenchContainers(
  docker: Docker,
  owned: (pid: number) => boolean,
): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABELS.environment] } });
  const found = list.filter((c) => {
    const pid = benchPidOf(c.Labels[LABELS.environment] ?? '');
    return pid !== undefined && owned(pid);
  });
  await Promise.all(
    found.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch((error: unknown) => {
          // Gone already, or being removed by another cleanup (a signal's, while a run fails).
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== 404 && status !== 409) throw error;
        }),
    ),
  );
  return found.length;
}

/** True unless no process `pid` exists: a crashed benchmark's leftovers may go. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The engine's own time for one container: from just before the create request (the one dockstack
 * sends for `spec`) until the engine records the container started. The container is removed after.
 */
export async function engineCreateStart(docker: Docker, spec: ContainerSpec): Promise<number> {
  const before = Date.now();
  const container = await docker.createContainer(createOptions(spec, labelsFor(spec), 'bridge'));
  try {
    await container.start();
    const info = await container.inspect();
    return startedAtMs(info.State.StartedAt) - before;
  } finally {
    await container.remove({ force: true });
  }
}

/** The container's start as the engine recorded it, in milliseconds since the epoch. */
export async function containerStartedAt(docker: Docker, name: string): Promise<number> {
  const info = await docker.getContainer(name).inspect();
  if (!info.State.Running) throw new Error(`container ${name} is not running`);
  return startedAtMs(info.State.StartedAt);
}

/** An engine timestamp (RFC 3339 with up to nanoseconds) in milliseconds since the epoch. */
function startedAtMs(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (match === null) throw new Error(`unexpected StartedAt ${text}`);
  const fraction = Number(`0.${match[2] ?? '0'}`);
  return Date.parse(`${match[1] ?? ''}Z`) + fraction * 1000;
}
