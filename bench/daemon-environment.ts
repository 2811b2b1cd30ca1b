import { stringify } from 'yaml';

import { containerSpecs, type ContainerSpec } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';

/**
 * The daemon benchmark's environments are named `bench-daemon-PID` (and `bench-daemon-PID-engine`
 * for the containers it starts itself), so it changes and removes only its own containers.
 */
const ENVIRONMENT_PATTERN = /^bench-daemon-(\d+)(?:-engine)?$/;

/** Names of one benchmark process: its environments and its container names' prefix. */
export interface DaemonBenchNames {
  /** The environment the daemon converges. */
  environment: string;
  /** The environment of the containers the benchmark creates and starts itself, as reference. */
  engineEnvironment: string;
  /** Every container name starts with it; the pid keeps a crashed run's leftovers out of the way. */
  prefix: string;
}

export function daemonBenchNames(pid = process.pid): DaemonBenchNames {
  return {
    environment: `bench-daemon-${String(pid)}`,
    engineEnvironment: `bench-daemon-${String(pid)}-engine`,
    prefix: `dsbd-${String(pid)}-`,
  };
}

/** The benchmark process that owns the environment `name`, if the name is one of the benchmark's. */
export function benchPidOf(name: string): number | undefined {
  const match = ENVIRONMENT_PATTERN.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** service -> container names, all on the local engine. */
export type LocalServices = Record<string, readonly string[]>;

/** An environment file in the seed's format with every container on the local engine. */
export function environmentYaml(name: string, services: LocalServices): string {
  return stringify({
    name,
    common: { dnsServer: '10.0.0.1', domain: 'endor.lab', galera_password: 'secret' },
    registered_services: {},
    services: Object.fromEntries(
      Object.entries(services).map(([service, names]) => [
        service,
        Object.fromEntries(names.map((container) => [container, { host: 'local' }])),
      ]),
    ),
    hosts: { local: { docker: 'unix:///var/run/docker.sock' } },
  });
}

/** The specs of `environmentYaml(name, services)`, as the daemon would read them. */
export function localSpecs(name: string, services: LocalServices): ContainerSpec[] {
  const loaded = loadEnvironment(environmentYaml(name, services));
  if (!loaded.ok) {
    throw new Error(`benchmark environment invalid: ${JSON.stringify(loaded.problems)}`);
  }
  return containerSpecs(loaded.env);
}
