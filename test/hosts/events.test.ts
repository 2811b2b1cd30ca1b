import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { ContainerEvent } from '../../src/hosts/container-event.js';
import type { DockerHost } from '../../src/hosts/docker-host.js';
import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import { H2, LOCAL, removeTestContainers } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { startEngineProxy } from './engine-proxy.js';
import { containerNames, testLabels, testSpec } from './test-spec.js';

const SUITE = 'events';
const RUN_LABEL = 'org.dockstack.test.run';
const SOCKET = LOCAL.kind === 'unix' ? LOCAL.socketPath : '/var/run/docker.sock';

const engines = [
  { engine: 'local', endpoint: LOCAL, networkMode: 'bridge' },
  { engine: 'h2', endpoint: H2, networkMode: 'none' },
];

/** A stream being followed: what it has seen so far, and how it ended. */
interface Following {
  seen: ContainerEvent[];
  ended: Promise<unknown>;
}

function follow(events: AsyncIterable<ContainerEvent>): Following {
  const seen: ContainerEvent[] = [];
  const ended = (async () => {
    for await (const event of events) seen.push(event);
  })().then(
    () => 'ended',
    (error: unknown) => error,
  );
  return { seen, ended };
}

/** Creates probes until the stream shows one: from then on it misses nothing. */
async function untilLive(following: Following, probe: () => Promise<string>): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = await probe();
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      if (following.seen.some((e) => e.id === id)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error('the event stream never showed a probe');
}

/** A labelled container on `on`, created (not started) to make an event. */
function prober(nextName: () => string) {
  return async (on: DockerHost, labels: Record<string, string>): Promise<string> => {
    const spec = testSpec(nextName());
    return on.createContainer(spec, { ...testLabels(spec, SUITE), ...labels });
  };
}

describe.each(engines)('container events on $engine', ({ engine, endpoint, networkMode }) => {
  const nextName = containerNames(`${SUITE}-${engine}`);
  const requests: HostRequest[] = [];
  const host = createDockerodeHost(engine, endpoint, {
    networkMode,
    onRequest: (request) => requests.push(request),
  });

  useTestbed({
    setup: () => removeTestContainers(endpoint, SUITE),
    teardown: async () => {
      host.close();
      await removeTestContainers(endpoint, SUITE);
    },
  });

  const create = prober(nextName);

  it('follows start and die of labelled containers, and ends when the signal aborts', async () => {
    const run = randomBytes(4).toString('hex');
    const controller = new AbortController();
    requests.length = 0;
    const following = follow(
      host.events({ signal: controller.signal, labels: { [RUN_LABEL]: run } }),
    );
    await untilLive(following, () => create(host, { [RUN_LABEL]: run }));
    expect(requests.filter((r) => r.method === 'events')).toEqual([
      { host: engine, method: 'events', write: false },
    ]);

    const other = await create(host, { [RUN_LABEL]: 'another-run' });
    await host.startContainer(other);
    const id = await create(host, { [RUN_LABEL]: run });
    const begin = Date.now();
    await host.startContainer(id);
    await host.signal(id, 'KILL');
    await expect
      .poll(() => following.seen.filter((e) => e.id === id).map((e) => e.action))
      .toEqual(['create', 'start', 'kill', 'die']);

    const die = following.seen.find((e) => e.id === id && e.action === 'die');
    expect(die).toMatchObject({ id, exitCode: 137 });
    expect(die?.labels).toMatchObject({ [RUN_LABEL]: run, 'org.dockstack.test.suite': SUITE });
    expect(die?.name).toMatch(/^dsh-events-/);
    expect(die?.labels).not.toHaveProperty('name');
    expect(die?.labels).not.toHaveProperty('image');
    expect(die?.time).toBeGreaterThan(begin - 5000);
    expect(die?.time).toBeLessThan(Date.now() + 5000);
    expect(following.seen.some((e) => e.id === other)).toBe(false);

    controller.abort();
    expect(await following.ended).toBe('ended');
  });

  it('ends at once, without a request, when the signal has already aborted', async () => {
    requests.length = 0;
    const following = follow(host.events({ signal: AbortSignal.abort() }));
    expect(await following.ended).toBe('ended');
    expect(requests).toEqual([]);
  });
});

describe('container events over a connection that fails', () => {
  useTestbed({
    setup: () => removeTestContainers(LOCAL, SUITE),
    teardown: () => removeTestContainers(LOCAL, SUITE),
  });
  const create = prober(containerNames(`${SUITE}-drop`));

  it('fails as unreachable when the connection drops', async () => {
    const proxy = await startEngineProxy(SOCKET);
    const host = createDockerodeHost('proxied', {
      kind: 'tcp',
      host: '127.0.0.1',
      port: proxy.port,
    });
    try {
      const run = randomBytes(4).toString('hex');
      const following = follow(
        host.events({ signal: new AbortController().signal, labels: { [RUN_LABEL]: run } }),
      );
      await untilLive(following, () => create(host, { [RUN_LABEL]: run }));

      proxy.cut();
      const error = await following.ended;
      expect(error).toBeInstanceOf(HostError);
      expect(error).toMatchObject({ host: 'proxied', kind: 'unreachable' });
      expect((error as HostError).message).toContain('Docker host proxied');
    } finally {
      host.close();
      await proxy.close();
    }
  });

  it('fails as unreachable when the host is closed', async () => {
    const host = createDockerodeHost('local', LOCAL);
    const run = randomBytes(4).toString('hex');
    const following = follow(
      host.events({ signal: new AbortController().signal, labels: { [RUN_LABEL]: run } }),
    );
    await untilLive(following, () => create(host, { [RUN_LABEL]: run }));

    host.close();
    const error = await following.ended;
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as HostError).message).toBe('the connection to Docker host local closed');
  });
});
