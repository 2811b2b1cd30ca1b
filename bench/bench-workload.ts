import { stringify } from 'yaml';

import { containerSpecs, type ContainerSpec } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';
import type { Environment } from '../src/environment/schema.js';
import { DEFAULT_ORDER } from '../src/environment/tier-order.js';

/** Every container the apply benchmark makes is named with this prefix; cleanup finds only them. */
export const PREFIX = 'dsb-';

/**
 * The benchmark's environment name: its reconciles change only containers labelled with it, so
 * the tests' containers on the same engines are left alone.
 */
export const ENVIRONMENT = 'bench';

/** The two test engines (test/testbed/start-docker.sh) as the environment's hosts. */
export const BENCH_HOSTS = {
  local: { docker: 'unix:///var/run/docker.sock' },
  h2: { docker: 'tcp://10.200.0.2:2375', network: 'none' },
} as const;

export type BenchHost = keyof typeof BENCH_HOSTS;

/** One benchmark workload: the environment, and the containers it asks for in tier order. */
export interface Workload {
  env: Environment;
  /** The environment file's text. */
  text: string;
  specs: ContainerSpec[];
  /** The containers of each service, in the seed's tier order. */
  tiers: ContainerSpec[][];
}

/**
 * The seed's ten services with `perService` containers each, alternating between the two hosts,
 * in the seed's format over the test hosts (as test/apply/apply-env.ts builds its environments),
 * named `ENVIRONMENT`.
 */
export function workload(perService: number): Workload {
  const services: Record<string, Record<string, { host: BenchHost }>> = {};
  let n = 0;
  for (const service of DEFAULT_ORDER) {
    const containers: Record<string, { host: BenchHost }> = {};
    for (let i = 1; i <= perService; i++, n++) {
      containers[`${PREFIX}${service}${i}`] = { host: n % 2 === 0 ? 'local' : 'h2' };
    }
    services[service] = containers;
  }
  const text = stringify({
    name: ENVIRONMENT,
    common: { dnsServer: '10.0.0.1', domain: 'endor.lab', galera_password: 'secret' },
    registered_services: {},
    services,
    hosts: BENCH_HOSTS,
  });
  const loaded = loadEnvironment(text);
  if (!loaded.ok) {
    throw new Error(`benchmark environment invalid: ${JSON.stringify(loaded.problems)}`);
  }
  const specs = containerSpecs(loaded.env);
  const tiers = DEFAULT_ORDER.map((service) => specs.filter((spec) => spec.service === service));
  return { env: loaded.env, text, specs, tiers };
}

/** The Docker network containers on `host` join, as connectHosts picks it. */
export function networkOf(env: Environment, host: string): string {
  return env.hosts?.[host]?.network ?? 'bridge';
}

export function benchHost(host: string): BenchHost {
  if (host === 'local' || host === 'h2') return host;
  throw new Error(`not a benchmark host: ${host}`);
}
