import { HostError } from '../hosts/host-error.js';
import { labelsFor } from '../plan/labels.js';
import type {
  ConflictStep,
  CreateStep,
  RecreateStep,
  RemoveStep,
  StartStep,
  StopStep,
} from '../plan/plan.js';
import type { ContainerRun, ExecutorContext, StepExecutor } from './executor.js';
import { waitUntilReady } from './wait-until-ready.js';

/** The executors of the container lifecycle: create, recreate, start, stop, remove, conflict. */
export interface ContainerExecutors {
  create: StepExecutor<CreateStep>;
  recreate: StepExecutor<RecreateStep>;
  start: StepExecutor<StartStep>;
  stop: StepExecutor<StopStep>;
  remove: StepExecutor<RemoveStep>;
  conflict: StepExecutor<ConflictStep>;
}

/** A started container is ready once it runs, and is healthy where its image has a check. */
const ready = async (
  step: { host: string; start?: boolean },
  run: ContainerRun,
  context: ExecutorContext,
): Promise<void> => {
  if (step.start === false) return;
  await waitUntilReady(context.host(step.host), idOf(run, step.host), {
    clock: context.clock,
    timeoutMs: context.readyTimeoutMs,
    pollMs: context.pollMs,
  });
};

const startIfAsked = async (
  step: { host: string; start: boolean },
  run: ContainerRun,
  context: ExecutorContext,
): Promise<void> => {
  if (step.start) await context.host(step.host).startContainer(idOf(run, step.host));
};

export const containerExecutors: ContainerExecutors = {
  create: {
    ahead: true,
    phases: {
      create: async (step, run, context) => {
        await context.ensureImage(step.host, step.spec.image);
        run.id = await context.host(step.host).createContainer(step.spec, labelsFor(step.spec));
      },
      start: startIfAsked,
      ready,
    },
  },
  recreate: {
    phases: {
      // The image is made available first, so a missing image never takes the old container down.
      remove: async (step, _run, context) => {
        await context.ensureImage(step.host, step.spec.image);
        const host = context.host(step.host);
        await host.stopContainer(step.id);
        await host.removeContainer(step.id);
      },
      create: async (step, run, context) => {
        run.id = await context.host(step.host).createContainer(step.spec, labelsFor(step.spec));
      },
      start: startIfAsked,
      ready,
    },
  },
  start: {
    phases: {
      start: async (step, run, context) => {
        run.id = step.id;
        await context.host(step.host).startContainer(step.id);
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

function idOf(run: ContainerRun, host: string): string {
  if (run.id === undefined) {
    throw new HostError(host, 'engine', 'the container was not created in this apply');
  }
  return run.id;
}
