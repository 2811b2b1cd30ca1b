import { existsSync } from 'node:fs';

import type Docker from 'dockerode';

import { withDeadline } from '../../src/hosts/deadlines.js';
import { engineConnection } from '../../src/hosts/engine-connection.js';
import { describeEndpoint, type Endpoint } from '../../src/hosts/host-endpoint.js';
import { DEFAULT_ORDER } from '../../src/environment/tier-order.js';

/** The machine's own engine, started by start-docker.sh. */
export const LOCAL: Endpoint = { kind: 'unix', socketPath: '/var/run/docker.sock' };

/** The second engine, in the network namespace ds-h2, reached over its veth link. */
export const H2: Endpoint = { kind: 'tcp', host: '10.200.0.2', port: 2375 };

export const ENGINES = { local: LOCAL, h2: H2 } as const;

/** Every container a test creates carries this label (value `1`) and its suite's name. */
export const TEST_LABEL = 'org.dockstack.test';
export const SUITE_LABEL = 'org.dockstack.test.suite';

/** The seed's ten services, in their start order. */
export const SERVICES: readonly string[] = DEFAULT_ORDER;

/** The images make-images.sh imports into both engines. */
export const TEST_IMAGES: readonly string[] = [
  ...SERVICES.map((service) => `${service}:latest`),
  'webui:2',
  'healthy:latest',
  'neverhealthy:latest',
];

/** A raw dockerode client, for tests to look behind the adapter and to clean up. */
export function rawClient(endpoint: Endpoint): Docker {
  return engineConnection(endpoint).client(30_000);
}

/** The root namespace's end of the veth link to ds-h2; without it 10.200.0.2 is not ours. */
export const H2_LINK = 'ds-h2-out';

/**
 * Throws, saying which script to run, unless both engines answer and hold the test images.
 * Integration tests call it first so that a machine without Docker fails them loudly. Nothing is
 * sent to the second engine's address unless the link into its namespace exists: without it, the
 * address would be routed off the machine.
 */
export async function assertTestbed(): Promise<void> {
  if (!existsSync(`/sys/class/net/${H2_LINK}`)) {
    throw new Error(
      `the link ${H2_LINK} to the second engine's namespace ds-h2 does not exist: run ` +
        'test/testbed/start-docker.sh (test/testbed/install.sh first on a fresh machine)',
    );
  }
  for (const endpoint of Object.values(ENGINES)) {
    const docker = rawClient(endpoint);
    const where = describeEndpoint(endpoint);
    try {
      await withDeadline(5000, () => docker.ping() as Promise<unknown>);
    } catch (error) {
      throw new Error(
        `the Docker engine at ${where} does not answer (${reason(error)}): run ` +
          'test/testbed/start-docker.sh (test/testbed/install.sh first on a fresh machine)',
      );
    }
    const images = await docker.listImages();
    const present = new Set(images.flatMap((image) => image.RepoTags ?? []));
    const missing = TEST_IMAGES.filter((image) => !present.has(image));
    if (missing.length > 0) {
      throw new Error(
        `the Docker engine at ${where} lacks the test images ${missing.join(', ')}: run ` +
          'test/testbed/make-images.sh',
      );
    }
  }
}

/**
 * Force-removes the test containers on `endpoint`: those of `suite`, or of every suite. Returns
 * how many it removed.
 */
export async function removeTestContainers(endpoint: Endpoint, suite?: string): Promise<number> {
  const docker = rawClient(endpoint);
  const label = [`${TEST_LABEL}=1`];
  if (suite !== undefined) label.push(`${SUITE_LABEL}=${suite}`);
  const found = await docker.listContainers({ all: true, filters: { label } });
  await Promise.all(
    found.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }),
    ),
  );
  return found.length;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
