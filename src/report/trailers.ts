/** Trailers on the bot's commits: git itself records what was applied and how it went. */
export const TRAILERS = {
  /** The env repo commit whose environment was applied. */
  applied: 'Dockstack-Applied',
  /** `converged`, or `failed` when some step failed or a host was unreachable. */
  result: 'Dockstack-Result',
  /** Counts: `N done, N failed, N hosts unreachable`. */
  steps: 'Dockstack-Steps',
  /**
   * How many running containers' Puppet configuration the applied change altered (on the bot's
   * commits where it altered any): they take it at their next agent run.
   */
  refreshed: 'Dockstack-Refreshed',
} as const;
