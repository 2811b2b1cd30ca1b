/** How to run a command in a container. */
export interface ExecOptions {
  /** How long the command may run, from its start to the end of its output; 60 s unless given. */
  deadlineMs?: number;
  /** The user (name or uid[:gid]) to run as; the container's user unless given. */
  user?: string;
  /** Variables set for the command, besides the container's own. */
  env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed. No input unless given. */
  stdin?: string;
}

/**
 * How a command ended and what it wrote. Each stream keeps its first MiB (OUTPUT_CAP_BYTES);
 * the rest is dropped.
 */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
