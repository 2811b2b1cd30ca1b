import type { HostAction, StepAction } from '../plan/plan.js';

/**
 * - done: the step did what it said
 * - failed: it did not; `error` says why (the other steps went on)
 */
export type StepOutcome = 'done' | 'failed';

export interface StepResult {
  action: StepAction | HostAction;
  host: string;
  name: string;
  service?: string;
  outcome: StepOutcome;
  /** Wall time of the step, including waiting for the container to be up. */
  durationMs: number;
  error?: string;
  /**
   * A replacement that failed and was undone: the old container runs again under its name; the
   * new one's last lines of output.
   */
  rolledBack?: { lastLines: string };
  /** Not run: its service's rolling replacement stopped at a member that was rolled back. */
  heldBack?: true;
}

export interface ApplyResult {
  /** True when every step is done. */
  converged: boolean;
  steps: StepResult[];
  durationMs: number;
}
