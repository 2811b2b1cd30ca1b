import type { HostAction, StepAction } from '../plan/plan.js';
import type { StepResult } from './apply-result.js';

/** What the apply engine reports while it works, for progress displays and logs. */
export type ApplyEvent =
  | { type: 'step-started'; action: StepAction | HostAction; host: string; name: string }
  | { type: 'step-finished'; result: StepResult }
  | {
      type: 'tier-started';
      phase: 'remove' | 'deploy' | 'configure';
      service: string | null;
      steps: number;
    };
