import { describe, expect, it } from 'vitest';

import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { HostError } from '../../src/hosts/host-error.js';
import { LOCAL, rawClient, removeTestContainers } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { startEngineProxy, type EngineProxy } from './engine-proxy.js';
import { containerNames, testLabels, testSpec } from './test-spec.js';

const SUITE = 'slow-engine';
const SOCKET = LOCAL.kind === 'unix' ? LOCAL.socketPath : '/var/run/docker.sock';

/** Holds every request whose head matches `pattern` for `ms` before the engine sees it. */
function slowing(pattern: RegExp, ms: number): (chunk: string) => number {
  return (chunk) => (pattern.test(chunk) ? ms : 0);
}

const START = /^POST \/containers\/[0-9a-f]+\/start /;

describe('a Docker host whose engine is busy', () => {
  const nextName = containerNames(SUITE);
  const raw = rawClient(LOCAL);
  const proxies: EngineProxy[] = [];

  useTestbed({
    setup: () => removeTestContainers(LOCAL, SUITE),
    teardown: async () => {
      for (const proxy of proxies) await proxy.close();
      await removeTestContainers(LOCAL, SUITE);
    },
  });

  async function through(delayMs: (chunk: string) => number): Promise<Endpoint> {
    const proxy = await startEngineProxy(SOCKET, { delayMs });
    proxies.push(proxy);
    return { kind: 'tcp', host: '127.0.0.1', port: proxy.port };
  }

  async function created(): Promise<string> {
    const spec = testSpec(nextName());
    return raw
      .createContainer({ name: spec.name, Image: spec.image, Labels: testLabels(spec, SUITE) })
      .then((container) => container.id);
  }

  async function timed(attempt: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const begin = Date.now();
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { error, ms: Date.now() - begin };
  }

  it('keeps waiting past the deadline while the engine answers pings, and sends once', async () => {
    const requests: HostRequest[] = [];
    const host = createDockerodeHost('busy', await through(slowing(START, 1500)), {
      deadlineMs: 300,
      onRequest: (request) => requests.push(request),
    });
    try {
      const id = await created();
      const { error, ms } = await timed(host.startContainer(id));
      expect(error).toBeUndefined();
      expect(ms).toBeGreaterThanOrEqual(1400);
      expect(requests).toEqual([{ host: 'busy', method: 'start', write: true }]);
      expect((await raw.getContainer(id).inspect()).State.Running).toBe(true);
    } finally {
      host.close();
    }
  });

  it('gives up at the patience cap as unreachable, saying that the engine answers', async () => {
    const host = createDockerodeHost('busy', await through(slowing(START, 4000)), {
      deadlineMs: 300,
      patienceMs: 1000,
    });
    try {
      const { error, ms } = await timed(host.startContainer(await created()));
      expect(error).toBeInstanceOf(HostError);
      expect(error).toMatchObject({ host: 'busy', kind: 'unreachable', retryable: true });
      expect((error as HostError).message).toContain(
        'answers pings but did not finish within 1 s: start container',
      );
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(2500);
    } finally {
      host.close();
    }
  });

  it('fails fast as unreachable once the engine stops answering pings too', async () => {
    const host = createDockerodeHost('gone', await through(() => 10_000), { deadlineMs: 300 });
    try {
      const { error, ms } = await timed(host.listContainers());
      expect(error).toBeInstanceOf(HostError);
      expect(error).toMatchObject({ host: 'gone', kind: 'unreachable' });
      expect((error as HostError).message).toContain('did not answer within 0.3 s');
      expect(ms).toBeGreaterThanOrEqual(550);
      expect(ms).toBeLessThan(1500);
    } finally {
      host.close();
    }
  });
});
