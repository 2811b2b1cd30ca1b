import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { onTestFinished } from 'vitest';
import { stringify } from 'yaml';

import type { Reconciliation } from '../../src/apply/reconciliation.js';
import { loadEnvironment } from '../../src/environment/load-environment.js';
import type { Environment } from '../../src/environment/schema.js';
import { connectHosts } from '../../src/hosts/connect-hosts.js';
import type { DockerHost } from '../../src/hosts/docker-host.js';
import type { DockerodeHostOptions } from '../../src/hosts/dockerode-host.js';
import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { LABELS } from '../../src/hosts/ownership-labels.js';
import { runPass } from '../../src/pass/run-pass.js';
import { loadRenderer } from '../../src/render/renderer.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { DEFAULT_ORDER } from '../../src/environment/tier-order.js';
import { testTempDir } from '../testbed/temp-dirs.js';

/** Every container these tests create is named with this prefix, so cleanup finds only them. */
export const PREFIX = 'dsa';

/** The two test engines as the environment's hosts: `local` on the bridge, `h2` with no network. */
export const TEST_HOSTS = {
  local: { docker: 'unix:///var/run/docker.sock' },
  h2: { docker: 'tcp://10.200.0.2:2375', network: 'none' },
};

export type Services = Record<string, Record<string, Record<string, unknown>>>;

/**
 * The environment's name: one per process, so that a test run and a benchmark sharing the engines
 * never remove each other's containers.
 */
export const ENVIRONMENT_NAME = `apply-test-${String(process.pid)}`;

export interface Extras {
  /** The environment's name; ENVIRONMENT_NAME unless given. */
  name?: string;
  hosts?: Record<string, unknown>;
  /**
   * Where missing images are pulled from. Tests only ever name a registry on loopback: an image
   * without one would make the engine try Docker Hub.
   */
  registry?: string;
  /** The environment's `network:` settings. */
  network?: Record<string, unknown>;
}

/** An environment file in the seed's format over the test hosts. */
export function environmentText(services: Services, extras: Extras = {}): string {
  return stringify({
    name: extras.name ?? ENVIRONMENT_NAME,
    common: { dnsServer: '10.0.0.1', domain: 'endor.lab', galera_password: 'secret' },
    registered_services: {},
    services,
    hosts: { ...TEST_HOSTS, ...extras.hosts },
    ...(extras.registry === undefined ? {} : { registry: extras.registry }),
    ...(extras.network === undefined ? {} : { network: extras.network }),
  });
}

export function environment(services: Services, extras: Extras = {}): Environment {
  const loaded = loadEnvironment(environmentText(services, extras));
  if (!loaded.ok) throw new Error(`test environment invalid: ${JSON.stringify(loaded.problems)}`);
  return loaded.env;
}

/**
 * Writes the environment file into a folder of its own and returns its path; the folder is
 * removed when the test that called this ends.
 */
export function writeEnvironment(services: Services, hosts?: Record<string, unknown>): string {
  const dir = testTempDir('apply');
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'environment.yaml');
  writeFileSync(file, environmentText(services, hosts === undefined ? {} : { hosts }));
  return file;
}

/** The seed's ten services with `perService` containers each, alternating between the hosts. */
export function seedServices(perService: number, tag = 'x'): Services {
  const services: Services = {};
  const order = DEFAULT_ORDER;
  let n = 0;
  for (const service of order) {
    const containers: Record<string, Record<string, unknown>> = {};
    for (let i = 1; i <= perService; i++, n++) {
      containers[`${PREFIX}-${tag}-${service}${i}`] = { host: n % 2 === 0 ? 'local' : 'h2' };
    }
    services[service] = containers;
  }
  return services;
}

const renderer = loadRenderer();

/**
 * A pass up to the apply stage over `hosts`, for the environment `text` (an environment file's
 * text, as the load stage reads it): what it planned and did.
 */
export async function reconcileText(
  text: string,
  hosts: Map<string, DockerHost>,
): Promise<Reconciliation> {
  const pass = await runPass(
    {
      goal: 'apply',
      source: { read: () => Promise.resolve({ file: 'environment.yaml', bytes: text }) },
    },
    { connect: () => hosts, renderer },
  );
  if (pass.stage !== 'apply') throw new Error(`the pass stopped at ${pass.stage}`);
  return pass.reconciliation;
}

export function hostsFor(
  env: Environment,
  options: DockerodeHostOptions = {},
): Map<string, DockerHost> {
  return connectHosts(env, {}, options);
}

export interface EngineContainer {
  engine: 'local' | 'h2';
  id: string;
  name: string;
  image: string;
  running: boolean;
  managed: boolean;
  labels: Record<string, string>;
}

/** The containers of these tests on both engines, straight from the engines. */
export async function testContainers(): Promise<EngineContainer[]> {
  const all: EngineContainer[] = [];
  for (const [engine, endpoint] of Object.entries(ENGINES) as ['local' | 'h2', Endpoint][]) {
    const list = await rawClient(endpoint).listContainers({ all: true });
    for (const c of list) {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      if (!name.startsWith(`${PREFIX}-`)) continue;
      all.push({
        engine,
        id: c.Id,
        name,
        image: c.Image,
        running: c.State === 'running',
        managed: c.Labels[LABELS.managed] === 'true',
        labels: c.Labels,
      });
    }
  }
  return all.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Force-removes every container these tests made, managed or not. */
export async function removeTestContainers(): Promise<void> {
  for (const c of await testContainers()) {
    const endpoint = ENGINES[c.engine];
    await rawClient(endpoint)
      .getContainer(c.id)
      .remove({ force: true })
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      });
  }
}

/** When the engine started the container, in nanoseconds since the epoch. */
export async function startedAt(engine: 'local' | 'h2', id: string): Promise<bigint> {
  const info = await rawClient(ENGINES[engine]).getContainer(id).inspect();
  const text = info.State.StartedAt;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (match === null) throw new Error(`unexpected StartedAt ${text}`);
  const seconds = BigInt(Date.parse(`${match[1] ?? ''}Z`)) / 1000n;
  const fraction = BigInt((match[2] ?? '0').padEnd(9, '0').slice(0, 9));
  return seconds * 1_000_000_000n + fraction;
}
