import type { HostStep, Step } from '../plan/plan.js';
import { errorMessage } from '../util/error-message.js';
import type { StepResult } from './apply-result.js';

/** How a piece of a step's work ended. */
export type Settled = { ok: true } | { ok: false; error: unknown };

/** A step's result: done, or failed with the error's message. */
export function stepResult(step: Step | HostStep, durationMs: number, error: unknown): StepResult {
  const service = 'service' in step ? step.service : undefined;
  return {
    action: step.action,
    host: step.host,
    name: step.name,
    ...(service === undefined ? {} : { service }),
    outcome: error === undefined ? 'done' : 'failed',
    durationMs,
    ...(error === undefined ? {} : { error: errorMessage(error) }),
  };
}

/** The error of a step whose action has no executor here. */
export function missingExecutor(action: string): Error {
  return new Error(`dockstack cannot carry out ${action} steps here`);
}

/** How `promise` ended, without throwing. */
export async function settle(promise: Promise<unknown>): Promise<Settled> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}
