/** Every helper container carries this label with the value `true`, so leftovers can be found. */
export const HELPER_LABEL = 'org.dockstack.managed-helper';

/** A host path mounted into a helper container. */
export interface HelperMount {
  /** Absolute path on the Docker host. */
  host: string;
  /** Absolute path in the helper. */
  container: string;
  readOnly?: boolean;
  /**
   * Only the file system at `host`, not what is mounted below it (a host's `/run` holds network
   * namespaces, which a recursive copy would keep alive after the host removes them).
   */
  nonRecursive?: boolean;
}

/**
 * A short-lived container that does host-level work (network links, bridges, tunnels): it runs
 * in the host's network and PID namespaces with every privilege the host allows, runs `command`
 * once, and is removed afterwards whatever happened.
 */
export interface HelperSpec {
  image: string;
  command: readonly string[];
  mounts?: readonly HelperMount[];
  /** Host devices it may use, at the same path, e.g. `/dev/net/tun`. */
  devices?: readonly string[];
  /** Labels besides HELPER_LABEL (which is always set). */
  labels?: Record<string, string>;
  env?: Record<string, string>;
  /** How long it may run, from its start to its exit; 60 s unless given. */
  deadlineMs?: number;
}
