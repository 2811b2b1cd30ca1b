import type Docker from 'dockerode';

import { LABELS } from '../src/hosts/ownership-labels.js';
import { assertTestbed, ENGINES, rawClient } from '../test/testbed/docker-testbed.js';
import { ENVIRONMENT, PREFIX, type BenchHost } from './bench-workload.js';

/** A raw client per test engine, for the benchmark's own checks and cleanup. */
export type Engines = Record<BenchHost, Docker>;

export interface BenchContainer {
  host: BenchHost;
  id: string;
  name: string;
  running: boolean;
}

/**
 * Throws, naming the script to run, unless both test engines answer and hold the test images. No
 * traffic goes to the second engine's address unless the link into its namespace exists.
 */
export async function connectEngines(): Promise<Engines> {
  await assertTestbed();
  return { local: rawClient(ENGINES.local), h2: rawClient(ENGINES.h2) };
}

/** The containers named with the benchmark's prefix on both engines, running or not. */
export async function benchContainers(engines: Engines): Promise<BenchContainer[]> {
  const found: BenchContainer[] = [];
  for (const host of ['local', 'h2'] as const) {
    const list = await engines[host].listContainers({ all: true });
    for (const c of list) {
      const name = ownName(c.Names);
      if (name.startsWith(PREFIX))
        found.push({ host, id: c.Id, name, running: c.State === 'running' });
    }
  }
  return found;
}

/** Force-removes every container named with the benchmark's prefix, and nothing else. */
export async function removeBenchContainers(engines: Engines): Promise<void> {
  const found = await benchContainers(engines);
  await Promise.all(
    found.map((c) =>
      engines[c.host]
        .getContainer(c.id)
        .remove({ force: true })
        .catch((error: unknown) => {
          // Gone already, or being removed by another cleanup (a signal's, while a run fails).
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== 404 && status !== 409) throw error;
        }),
    ),
  );
}

/** Throws unless exactly `count` containers of the benchmark exist and all of them run. */
export async function expectRunning(engines: Engines, count: number, what: string): Promise<void> {
  const found = await benchContainers(engines);
  const running = found.filter((c) => c.running).length;
  if (found.length !== count || running !== count) {
    throw new Error(
      `${what} left ${found.length} benchmark containers, ${running} running; expected ${count} running`,
    );
  }
}

/**
 * Throws when either engine holds a container of the benchmark's environment that the benchmark
 * did not make: a reconcile would remove it, and it belongs to someone else.
 */
export async function assertNoForeignManaged(engines: Engines): Promise<void> {
  const foreign: string[] = [];
  for (const host of ['local', 'h2'] as const) {
    const list = await engines[host].listContainers({
      all: true,
      filters: { label: [`${LABELS.managed}=true`, `${LABELS.environment}=${ENVIRONMENT}`] },
    });
    for (const c of list) {
      const name = ownName(c.Names);
      if (!name.startsWith(PREFIX)) foreign.push(`${name} on ${host}`);
    }
  }
  if (foreign.length > 0) {
    throw new Error(
      `the test engines run containers of the environment '${ENVIRONMENT}' that this benchmark ` +
        `did not make (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}); ` +
        'a reconcile would remove them: remove them first',
    );
  }
}

function ownName(names: readonly string[]): string {
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}
