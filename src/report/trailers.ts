/** Trailers on the bot's commits: git itself records what was applied and how it went. */
export const TRAILERS = {
  /** The env repo commit whose environment was applied. */
  applied: 'Dockstack-Applied',
  /** `converged`, or `failed` when some step failed or a host was unreachable. */
  result: 'Dockstack-Result',
  /** Counts: `N done, N failed, N hosts unreachable`. */
  steps: 'Dockstack-Steps',
  /**
   * How many running containers' Puppet configuration changed since the last configured commit
   * (on the bot's commits where any did).
   */
  refreshed: 'Dockstack-Refreshed',
  /**
   * The env repo commit whose configuration the agents were given: its code went to the puppet
   * servers and the agents whose inputs changed were kicked (read back as the last configured).
   */
  configured: 'Dockstack-Configured',
  /** How many agents were kicked: `N` (on the bot's commits that kicked any). */
  kicked: 'Dockstack-Kicked',
  /** The containers whose kick failed, space-separated: kicked again by the next pass. */
  kickFailed: 'Dockstack-Kick-Failed',
  /**
   * The containers whose replacement was rolled back at the applied commit, space-separated:
   * not replaced again until the branch moves on (a new commit, or `dockstack retry`).
   */
  rolledBack: 'Dockstack-Rolled-Back',
} as const;
