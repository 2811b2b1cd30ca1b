import type { DaemonState, PullPlan } from './daemon-state.js';

/** How many pull request plans the state keeps. */
export const KEPT_PULLS = 50;
/** How many closed pull requests the state remembers. */
const KEPT_CLOSED_PULLS = 500;

/**
 * A pull request was planned: its plan replaces the one before, newest pull request first. The
 * plan of one closed meanwhile is dropped.
 */
export function pullPlanned(state: DaemonState, plan: PullPlan): DaemonState {
  if (state.closedPulls.includes(plan.number)) return state;
  const others = state.pulls.filter((p) => p.number !== plan.number);
  return {
    ...state,
    pulls: [plan, ...others].sort((a, b) => b.number - a.number).slice(0, KEPT_PULLS),
  };
}

/** A pull request was closed (merged or not), or its head is gone: its plan goes. */
export function pullClosed(state: DaemonState, number: number): DaemonState {
  if (state.closedPulls.includes(number)) return state;
  return {
    ...state,
    pulls: state.pulls.filter((p) => p.number !== number),
    closedPulls: [...state.closedPulls, number].slice(-KEPT_CLOSED_PULLS),
  };
}

/** A pull request is to be planned (opened, reopened, moved on): its plans count again. */
export function pullRequested(state: DaemonState, number: number): DaemonState {
  if (!state.closedPulls.includes(number)) return state;
  return { ...state, closedPulls: state.closedPulls.filter((n) => n !== number) };
}
