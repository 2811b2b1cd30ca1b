/** The outside systems dockstack talks to. */
export type ExternalSystem = 'docker' | 'git' | 'github';

/**
 * A failure of a system outside dockstack (a Docker host, the env repo, GitHub), as opposed to a
 * bug. Each system's adapter turns its raw errors into a subclass with a `kind` of its own;
 * `retryable` says whether trying again later may succeed without anyone changing anything.
 */
export abstract class ExternalError extends Error {
  abstract readonly system: ExternalSystem;
  abstract readonly kind: string;

  get retryable(): boolean {
    return this.kind === 'unreachable';
  }
}
