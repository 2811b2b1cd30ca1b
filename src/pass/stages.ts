/**
 * The stages of one reconcile pass, in the order runPass runs them:
 * - source: where the environment comes from (a file, the followed branch, a pull request's head)
 * - load: parse and validate the environment file (pure)
 * - delta: per new commit, the containers it added, removed and changed (pure)
 * - observe: one list call per Docker host, with the environment's networks, tunnels and switches
 * - allocate: a MAC and an IPv4 address per container: static, recorded in git, or new (pure)
 * - plan: desired against observed: the steps, host by host and tier by tier (pure); the hosts
 *   are asked about the volumes of the steps that create, recreate or remove
 * - apply: the plan's steps, by the executor of each action: the container lifecycle, the
 *   environment's network, and the configure steps that kick agents; then the hosts are observed
 *   again
 * - serve: the dns containers and the puppet servers are given the data and the code of the
 *   applied commit, before the first DHCP request and before each tier during the apply, and once
 *   more after it
 * - configure: what the apply did to configure the running applications (code uploaded, agents
 *   kicked, and those due none), for the record and the report
 * - record: the files dockstack writes back, rendered once, committed (or written beside the file)
 * - report: to whoever listens (GitHub, the daemon's status, metrics and logs)
 *
 * An entry point runs the pass up to the stage it needs: `plan` (dockstack plan and status, pull
 * request plans, the working-copy watch) or `apply` (dockstack apply, the daemon). A plan offline
 * (`dockstack plan --offline`) observes nothing: hosts that run nothing.
 */
export const PASS_STAGES = [
  'source',
  'load',
  'delta',
  'observe',
  'allocate',
  'plan',
  'apply',
  'serve',
  'configure',
  'record',
  'report',
] as const;

export type PassStage = (typeof PASS_STAGES)[number];

/** The stages a pass can be asked to run up to. */
export type PassGoal = 'plan' | 'apply';
