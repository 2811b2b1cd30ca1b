import { ExternalError } from '../util/external-error.js';

/**
 * Why a call to a Docker host failed, in dockstack's terms:
 * - unreachable: no connection, the host did not answer before the deadline and then not to a
 *   ping either, or it answered pings but a call still did not finish within the patience cap
 *   (retry later)
 * - conflict: the engine refused because of existing state (a name in use, ...)
 * - not-found: the container or image does not exist
 * - image-unavailable: the image is not on the host and could not be pulled
 * - timeout: a command (exec, helper container) did not finish within its own deadline
 * - engine: any other refusal by the engine
 */
export type HostErrorKind =
  'unreachable' | 'conflict' | 'not-found' | 'image-unavailable' | 'timeout' | 'engine';

export class HostError extends ExternalError {
  readonly system = 'docker';
  constructor(
    readonly host: string,
    readonly kind: HostErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}
