import type { Environment } from '../environment/schema.js';
import type { DockerHost } from './docker-host.js';
import { createDockerodeHost, type DockerodeHostOptions } from './dockerode-host.js';
import { resolveEndpoint, type EndpointOptions } from './host-endpoint.js';

/**
 * Every Docker host the environment names, in `services` or in `hosts:`, each behind its own
 * connection. Hosts listed only in `hosts:` are observed too, so containers moved off them or
 * removed from the file are found and cleaned up.
 */
export function hostNames(env: Environment): string[] {
  const names = new Set(Object.keys(env.hosts ?? {}));
  for (const containers of Object.values(env.services)) {
    for (const container of Object.values(containers ?? {})) names.add(container.host);
  }
  return [...names].sort();
}

/**
 * A connection to every host `hostNames` gives, its endpoint from the environment and the
 * operator's settings (`tlsDir`: see EndpointOptions).
 */
export function connectHosts(
  env: Environment,
  processEnv: NodeJS.ProcessEnv,
  options: DockerodeHostOptions & EndpointOptions = {},
): Map<string, DockerHost> {
  const { tlsDir, ...hostOptions } = options;
  const endpointOptions = tlsDir === undefined ? {} : { tlsDir };
  return new Map(
    hostNames(env).map((name) => {
      const network = env.hosts?.[name]?.network;
      const own = network === undefined ? hostOptions : { ...hostOptions, networkMode: network };
      return [
        name,
        createDockerodeHost(
          name,
          resolveEndpoint(name, env.hosts, processEnv, endpointOptions),
          own,
        ),
      ];
    }),
  );
}
