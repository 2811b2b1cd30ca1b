import { createServer, type Server, type Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import type { DockerHost } from '../../src/hosts/docker-host.js';
import { createDockerodeHost } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import { LOCAL } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { testSpec } from './test-spec.js';

/** Every call of the interface, on a container and an image that need not exist. */
const CALLS: Record<string, (host: DockerHost) => Promise<unknown>> = {
  listContainers: (h) => h.listContainers(),
  inspectImage: (h) => h.inspectImage('dns:latest'),
  pullImage: (h) => h.pullImage('127.0.0.1:1/none:latest'),
  createContainer: (h) => h.createContainer(testSpec('dsh-unreachable'), {}),
  startContainer: (h) => h.startContainer('dsh-unreachable'),
  stopContainer: (h) => h.stopContainer('dsh-unreachable'),
  removeContainer: (h) => h.removeContainer('dsh-unreachable'),
  containerStatus: (h) => h.containerStatus('dsh-unreachable'),
  exec: (h) => h.exec('dsh-unreachable', ['true']),
  upload: (h) => h.upload('dsh-unreachable', '/tmp', [{ path: 'a', content: 'b' }]),
  signal: (h) => h.signal('dsh-unreachable', 'HUP'),
  runHelper: (h) => h.runHelper({ image: 'dns:latest', command: ['true'] }),
  events: (h) => h.events({ signal: new AbortController().signal })[Symbol.asyncIterator]().next(),
  listNetworks: (h) => h.listNetworks(),
  createNetwork: (h) =>
    h.createNetwork({ name: 'dsh-net', subnet: '10.9.0.0/24', gateway: '10.9.0.1', labels: {} }),
  removeNetwork: (h) => h.removeNetwork('dsh-net'),
  connectNetwork: (h) => h.connectNetwork('dsh-net', 'dsh-unreachable', { ipv4: '10.9.0.2' }),
  disconnectNetwork: (h) => h.disconnectNetwork('dsh-net', 'dsh-unreachable'),
  listVolumes: (h) => h.listVolumes(),
  ensureVolume: (h) => h.ensureVolume('dsh-volume', {}),
  removeVolume: (h) => h.removeVolume('dsh-volume'),
  pathExists: (h) => h.pathExists('dsh-unreachable', '/tmp'),
};

/** A TCP listener on loopback that accepts connections, reads what comes, and never answers. */
interface BlackHole {
  port: number;
  sockets: Set<Socket>;
  server: Server;
}

async function blackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  const port = await listen(server);
  return { port, sockets, server };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

async function timed(attempt: Promise<unknown>): Promise<{ error: HostError; ms: number }> {
  const begin = Date.now();
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostError);
  return { error: error as HostError, ms: Date.now() - begin };
}

const hosts: DockerHost[] = [];

/** A host closed after the test. */
function open(...args: Parameters<typeof createDockerodeHost>): DockerHost {
  const host = createDockerodeHost(...args);
  hosts.push(host);
  return host;
}

afterEach(() => {
  for (const host of hosts.splice(0)) host.close();
});

describe('a Docker host that cannot be reached', () => {
  it.each(Object.entries(CALLS))(
    'fails %s at once as unreachable when the connection is refused',
    async (_, call) => {
      const port = await closedPort();
      const host = open('refusing', { kind: 'tcp', host: '127.0.0.1', port });
      const { error, ms } = await timed(call(host));
      expect(ms).toBeLessThan(1000);
      expect(error).toMatchObject({ host: 'refusing', kind: 'unreachable', retryable: true });
      expect(error.message).toContain('Docker host refusing');
      expect(error.message).toContain('ECONNREFUSED');
    },
  );

  it('fails as unreachable when the unix socket does not exist', async () => {
    const host = open('nosocket', { kind: 'unix', socketPath: '/run/dsh-no-such.sock' });
    const { error } = await timed(host.listContainers());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('unix:///run/dsh-no-such.sock');
  });

  it.each(Object.entries(CALLS))(
    'fails %s as unreachable by its deadline when the host never answers, and lets go of it',
    async (name, call) => {
      const own = await blackHole();
      try {
        const deadlineMs = 300;
        const host = open(
          'silent',
          { kind: 'tcp', host: '127.0.0.1', port: own.port },
          { deadlineMs, pullDeadlineMs: deadlineMs },
        );
        // A stop asks first what stop timeout the container has: that request goes unanswered.
        const limit = deadlineMs;
        const { error, ms } = await timed(call(host));
        expect(ms).toBeGreaterThanOrEqual(limit - 20);
        expect(ms).toBeLessThan(limit + 500);
        expect(error).toMatchObject({ host: 'silent', kind: 'unreachable' });
        expect(error.message).toContain(`did not answer within ${String(limit / 1000)} s`);
        await expect.poll(() => own.sockets.size, { timeout: 3000 }).toBe(0);
      } finally {
        own.server.close();
      }
    },
  );

  it('ends calls in flight and drops its connections when closed', async () => {
    const own = await blackHole();
    try {
      const host = createDockerodeHost('silent', {
        kind: 'tcp',
        host: '127.0.0.1',
        port: own.port,
      });
      const pending = [timed(host.listContainers()), timed(host.inspectImage('dns:latest'))];
      await expect.poll(() => own.sockets.size).toBe(2);

      host.close();
      for (const { error, ms } of await Promise.all(pending)) {
        expect(ms).toBeLessThan(1000);
        expect(error.kind).toBe('unreachable');
        expect(error.message).toBe('the connection to Docker host silent closed');
      }
      await expect.poll(() => own.sockets.size).toBe(0);
    } finally {
      own.server.close();
    }
  });
});

describe('the hosts beside one that cannot be reached', () => {
  useTestbed();

  it('leaves another host unaffected while one hangs', async () => {
    const hole = await blackHole();
    try {
      const silent = open('silent', { kind: 'tcp', host: '127.0.0.1', port: hole.port });
      const local = open('local', LOCAL);
      const hanging = Promise.allSettled([
        silent.listContainers(),
        silent.inspectImage('dns:latest'),
      ]);
      await expect.poll(() => hole.sockets.size).toBe(2);

      const begin = Date.now();
      const listed = await local.listContainers();
      expect(Array.isArray(listed)).toBe(true);
      expect(await local.inspectImage('dns:latest')).toBeDefined();
      expect(Date.now() - begin).toBeLessThan(1000);

      silent.close();
      const settled = await hanging;
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    } finally {
      hole.server.close();
    }
  });

  it('reaches its own endpoint whatever DOCKER_HOST and DOCKER_TLS_VERIFY say', async () => {
    const saved = { host: process.env.DOCKER_HOST, tls: process.env.DOCKER_TLS_VERIFY };
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${String(await closedPort())}`;
    process.env.DOCKER_TLS_VERIFY = '1';
    try {
      const local = open('local', LOCAL);
      expect(await local.inspectImage('dns:latest')).toBeDefined();
    } finally {
      restore('DOCKER_HOST', saved.host);
      restore('DOCKER_TLS_VERIFY', saved.tls);
    }
  });
});

function restore(key: string, value: string | undefined): void {
  if (value === undefined) Reflect.deleteProperty(process.env, key);
  else process.env[key] = value;
}
