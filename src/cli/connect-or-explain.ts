import type { Environment } from '../environment/schema.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { EndpointError } from '../hosts/host-endpoint.js';
import { EXIT, ExitError } from './exit-error.js';

export type ConnectHosts = (env: Environment) => Map<string, DockerHost>;

/** Connects to the environment's hosts; a host whose endpoint cannot be worked out is invalid input. */
export function connectOrExplain(connect: ConnectHosts, env: Environment): Map<string, DockerHost> {
  try {
    return connect(env);
  } catch (error) {
    if (error instanceof EndpointError) throw new ExitError(EXIT.invalid, error.message);
    throw error;
  }
}
