/** What one HTTP request to a Docker host does, as reported to `onRequest`. */
export type HostRequestMethod =
  | 'list'
  | 'inspect'
  | 'create'
  | 'start'
  | 'stop'
  | 'remove'
  | 'pull'
  | 'image'
  | 'exec'
  | 'upload'
  | 'signal'
  | 'helper'
  | 'wait'
  | 'logs'
  | 'rename'
  | 'events'
  | 'networks'
  | 'network'
  | 'volumes'
  | 'volume'
  | 'archive'
  | 'version';

/**
 * One HTTP request to a Docker host, as reported to `onRequest`. The liveness pings a call that
 * is slow to answer sends are not reported: they read nothing and change nothing.
 */
export interface HostRequest {
  host: string;
  method: HostRequestMethod;
  /** True when the request may change the host. */
  write: boolean;
}

const WRITES: ReadonlySet<HostRequestMethod> = new Set([
  'create',
  'start',
  'stop',
  'remove',
  'pull',
  'exec',
  'upload',
  'signal',
  'helper',
  'network',
  'volume',
  'rename',
]);

/** True when a request of `method` may change the host. */
export function isWrite(method: HostRequestMethod): boolean {
  return WRITES.has(method);
}
