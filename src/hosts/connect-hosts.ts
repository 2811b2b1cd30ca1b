import type { Environment } from '../environment/schema.js';
import type { DockerHost } from './docker-host.js';
import { createDockerodeHost, type DockerodeHostOptions } from './dockerode-host.js';
import { resolveEndpoint } from './host-endpoint.js';

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

export function connectHosts(
  env: Environment,
  processEnv: NodeJS.ProcessEnv,
  options: DockerodeHostOptions = {},
): Map<string, DockerHost> {
  return new Map(
    hostNames(env).map((name) => {
      const network = env.hosts?.[name]?.network;
      const hostOptions = network === undefined ? options : { ...options, networkMode: network };
      return [
        name,
        createDockerodeHost(name, resolveEndpoint(name, env.hosts, processEnv), hostOptions),
      ];
    }),
  );
}
