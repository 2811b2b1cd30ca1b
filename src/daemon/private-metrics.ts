/**
 * The metrics whose labels name commits or hosts: shown only to those who may read
 * (`/metrics` with the read token, when the daemon has one).
 */
const PRIVATE = ['dockstack_last_applied_commit_info', 'dockstack_containers'] as const;

export const privateMetrics = {
  names: PRIVATE,
  /** Prometheus text without the private metrics' samples, help and type lines. */
  without(text: string): string {
    return text
      .split('\n')
      .filter((line) => {
        const name = /^(?:# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
        return name === undefined || !(PRIVATE as readonly string[]).includes(name);
      })
      .join('\n');
  },
};
