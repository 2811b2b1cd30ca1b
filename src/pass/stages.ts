/**
 * The stages of one reconcile pass, in the order data flows through them:
 * - source: where the environment comes from (a file, the followed branch, a pull request's head)
 * - load: parse and validate the environment file (pure)
 * - delta: per new commit, the containers it added, removed and changed (pure)
 * - observe: one list call per Docker host
 * - plan: desired against observed: the steps, host by host and tier by tier (pure)
 * - apply: the plan's steps, by the executor of each action: the container lifecycle, the
 *   environment's network, the configuration of the running applications
 * - record: the files dockstack writes back, rendered once, committed (or written beside the file)
 * - report: to whoever listens (GitHub, the daemon's status, metrics and logs)
 *
 * An entry point runs the pass up to the stage it needs: `plan` (dockstack plan and status, pull
 * request plans, the working-copy watch) or `apply` (dockstack apply, the daemon).
 */
export const PASS_STAGES = [
  'source',
  'load',
  'delta',
  'observe',
  'plan',
  'apply',
  'record',
  'report',
] as const;

export type PassStage = (typeof PASS_STAGES)[number];

/** The stages a pass can be asked to run up to. */
export type PassGoal = 'plan' | 'apply';
