import { withDataFolders } from '../environment/container-mounts.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { HostError } from '../hosts/host-error.js';
import { labelsFor, volumeLabelsFor } from '../plan/labels.js';
import { asideName } from '../plan/aside.js';
import type {
  ConflictStep,
  CreateStep,
  RecreateStep,
  RemoveStep,
  RestoreStep,
  StartStep,
  StopStep,
} from '../plan/plan.js';
import type { ContainerRun, ExecutorContext, RolledBack, StepExecutor } from './executor.js';
import { waitUntilReady } from './wait-until-ready.js';

/** The executors of the container lifecycle: create, recreate, start, stop, remove, conflict. */
export interface ContainerExecutors {
  create: StepExecutor<CreateStep>;
  recreate: StepExecutor<RecreateStep>;
  restore: StepExecutor<RestoreStep>;
  start: StepExecutor<StartStep>;
  stop: StepExecutor<StopStep>;
  remove: StepExecutor<RemoveStep>;
  conflict: StepExecutor<ConflictStep>;
}

/**
 * A started container is ready once it runs, and is healthy where its image has a check; the
 * hooks are told while it is not.
 */
const ready = async (
  step: { host: string; start?: boolean; spec: ContainerSpec; keepOld?: true },
  run: ContainerRun,
  context: ExecutorContext,
): Promise<void> => {
  if (step.start === false) return;
  const waiting = context.hooks.filter((hook) => hook.whileStarting !== undefined);
  const whileStarting =
    waiting.length === 0
      ? undefined
      : async () => {
          const image = await context.ensureImage(step.host, step.spec.image);
          for (const hook of waiting) await hook.whileStarting?.(step.spec, image);
        };
  await waitUntilReady(context.host(step.host), idOf(run, step.host), {
    clock: context.clock,
    timeoutMs: context.readyTimeoutMs,
    pollMs: context.pollMs,
    // A replacement must show that it keeps running before its old container goes.
    settleMs: step.keepOld === true ? context.settleMs : 0,
    ...(whileStarting === undefined ? {} : { whileStarting }),
  });
};

const startIfAsked = async (
  step: { host: string; start: boolean; spec: ContainerSpec },
  run: ContainerRun,
  context: ExecutorContext,
): Promise<void> => {
  if (step.start) await start(step.host, idOf(run, step.host), step.spec, context);
};

/** Starts the container, after what the hooks ask to be done first. */
async function start(
  hostName: string,
  id: string,
  spec: ContainerSpec,
  context: ExecutorContext,
): Promise<void> {
  const host = context.host(hostName);
  const guards = context.hooks.filter((hook) => hook.beforeStart !== undefined);
  if (guards.length > 0) {
    const image = await context.ensureImage(hostName, spec.image);
    for (const hook of guards) await hook.beforeStart?.(host, id, spec, image);
  }
  await host.startContainer(id);
}

export const containerExecutors: ContainerExecutors = {
  create: {
    ahead: true,
    phases: {
      create: async (step, run, context) => {
        run.id = await createWithVolumes(step.host, step.spec, context);
      },
      start: startIfAsked,
      ready,
    },
  },
  // A running container that is to run is replaced keeping the old one (`keepOld`): stopped and
  // renamed aside, removed once the new one is ready, back under its name when it is not. A
  // replacement a crash interrupted (`aside`) goes on from where it stood.
  recreate: {
    phases: {
      // The image is made available first, so a missing image never takes the old container down.
      remove: async (step, run, context) => {
        await context.ensureImage(step.host, step.spec.image);
        const host = context.host(step.host);
        if (step.aside !== undefined) {
          run.id = step.id;
          run.old = step.aside;
          return;
        }
        if (step.keepOld === true) {
          run.replacing = true;
          for (const hook of context.hooks) await hook.beforeReplace?.(step.spec);
        }
        await host.stopContainer(step.id);
        if (step.keepOld === true) {
          await host.renameContainer(step.id, asideName(step.name));
          run.old = step.id;
          return;
        }
        await host.removeContainer(step.id);
      },
      create: async (step, run, context) => {
        if (step.aside !== undefined) return;
        run.id = await createWithVolumes(step.host, step.spec, context);
      },
      start: async (step, run, context) => {
        if (step.aside === undefined) return startIfAsked(step, run, context);
        const host = context.host(step.host);
        if (step.start && !(await host.containerStatus(step.id)).running) {
          await start(step.host, step.id, step.spec, context);
        }
      },
      ready,
    },
    done: async (step, run, context) => {
      await backInRotation(step, run, context, true);
      if (run.old !== undefined) await context.host(step.host).removeContainer(run.old);
    },
    undo: async (step, run, context) => {
      const rolledBack = await rollBack(step, run, context);
      await backInRotation(step, run, context, false);
      return rolledBack;
    },
  },
  restore: {
    phases: {
      start: async (step, run, context) => {
        const host = context.host(step.host);
        await host.renameContainer(step.id, step.name);
        run.id = step.id;
        if (step.start) await start(step.host, step.id, step.spec, context);
      },
      ready,
    },
  },
  start: {
    phases: {
      start: async (step, run, context) => {
        run.id = step.id;
        await start(step.host, step.id, step.spec, context);
      },
      ready,
    },
  },
  stop: {
    phases: {
      start: async (step, run, context) => {
        run.id = step.id;
        await context.host(step.host).stopContainer(step.id);
      },
    },
  },
  remove: {
    phases: {
      remove: async (step, _run, context) => {
        const host = context.host(step.host);
        if (step.running) await host.stopContainer(step.id);
        try {
          await host.removeContainer(step.id);
        } catch (error) {
          // Started since it was observed (a start still queued in the engine, say): stop it too.
          if (!(error instanceof HostError && error.kind === 'conflict')) throw error;
          await host.stopContainer(step.id);
          await host.removeContainer(step.id);
        }
      },
    },
  },
  conflict: {
    phases: {
      create: (step) => Promise.reject(new Error(step.reason)),
    },
  },
};

/**
 * Creates the container with its volumes (those of the file, and one named volume for each data
 * folder its image declares) and its image's stop timeout. The named volumes are made first (labelled as dockstack's, or kept
 * as they are when they exist), so none is ever made by the engine without its labels.
 */
async function createWithVolumes(
  hostName: string,
  spec: ContainerSpec,
  context: ExecutorContext,
): Promise<string> {
  const image = await context.ensureImage(hostName, spec.image);
  const host = context.host(hostName);
  const mounts = withDataFolders(
    spec.volumes ?? [],
    image.dataFolders,
    spec.environment,
    spec.name,
  );
  for (const mount of mounts) {
    if (mount.type === 'volume')
      await host.ensureVolume(mount.name, volumeLabelsFor(spec, mount.target));
  }
  const volumes = mounts.length === 0 ? {} : { volumes: mounts };
  return host.createContainer({ ...spec, ...volumes }, labelsFor(spec), image.stopTimeoutSeconds);
}

/**
 * Tells the hooks that the container under the step's name serves again, after a replacement
 * that told them it was coming, or one a crash interrupted (whether it told them is not known).
 */
async function backInRotation(
  step: RecreateStep,
  run: ContainerRun,
  context: ExecutorContext,
  replaced: boolean,
): Promise<void> {
  if (run.replacing !== true && step.aside === undefined) return;
  for (const hook of context.hooks) await hook.afterReplace?.(step.spec, replaced);
}

/** How many lines of a failed replacement's output the report carries. */
const LAST_LINES = 20;

/**
 * A replacement that failed: its new container goes (its last lines kept for the report) and the
 * old one comes back under its name, started: the same container, with its data and address.
 */
async function rollBack(
  step: RecreateStep,
  run: ContainerRun,
  context: ExecutorContext,
): Promise<RolledBack | undefined> {
  if (run.old === undefined) return undefined;
  const host = context.host(step.host);
  let lastLines = '';
  if (run.id !== undefined) {
    lastLines = await host.containerLogs(run.id, LAST_LINES).catch(() => '');
    await host.stopContainer(run.id);
    await host.removeContainer(run.id);
  }
  await host.renameContainer(run.old, step.name);
  run.id = run.old;
  delete run.old;
  await host.startContainer(run.id);
  return { lastLines };
}

function idOf(run: ContainerRun, host: string): string {
  if (run.id === undefined) {
    throw new HostError(host, 'engine', 'the container was not created in this apply');
  }
  return run.id;
}
