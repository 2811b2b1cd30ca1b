import type { StepExecutor } from '../apply/executor.js';
import type { ConfigureStep } from '../plan/plan.js';
import type { Clock } from '../util/clock.js';
import { kickAgent, type Kick } from './kick-agents.js';

/** Whether the puppet servers serve the code the agents are to be given. */
export interface CodeServed {
  /** Why a puppet server lacks the applied commit's code (its last upload failed); else undefined. */
  problem(): string | undefined;
}

export interface ConfigureExecutorOptions {
  /** Every kick's outcome is added here, in the order they end. */
  kicks: Kick[];
  code: CodeServed;
  /** How long one agent run may take. */
  deadlineMs: number;
  /** Values masked in what an agent prints. */
  secrets: readonly string[];
  clock: Clock;
}

/**
 * The executor of configure steps (the seed's puppet kick): one agent run in the running
 * container. While a puppet server lacks the code, no agent runs: each kick is failed, to be
 * tried again next time. A failed kick fails its step.
 */
export function configureExecutor(options: ConfigureExecutorOptions): StepExecutor<ConfigureStep> {
  return {
    phases: {
      configure: async (step, run, context) => {
        const problem = options.code.problem();
        const id = run.id ?? step.id;
        let kick: Kick;
        if (problem !== undefined || id === undefined) {
          kick = {
            name: step.name,
            host: step.host,
            reasons: [...step.reasons],
            outcome: 'failed',
            error: problem ?? 'not found on its host (is the host down?)',
            durationMs: 0,
          };
        } else {
          kick = await kickAgent(context.host(step.host), id, step, options);
        }
        options.kicks.push(kick);
        if (kick.outcome === 'failed') throw new Error(kick.error ?? 'the agent run failed');
      },
    },
  };
}
