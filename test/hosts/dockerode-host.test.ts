import { describe, expect, it } from 'vitest';

import type { ContainerSpec } from '../../src/environment/container-spec.js';
import type { ContainerStatus } from '../../src/hosts/docker-host.js';
import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { HostError } from '../../src/hosts/host-error.js';
import { H2, LOCAL, rawClient, removeTestContainers } from '../testbed/docker-testbed.js';
import { STOP_TIMEOUT_LABEL } from '../../src/hosts/stop-timeout.js';
import { buildTestImage } from '../testbed/test-images.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { containerNames, randomMac, testLabels, testSpec } from './test-spec.js';

const SUITE = 'dockerode-host';

interface Engine {
  engine: string;
  endpoint: Endpoint;
  networkMode: string;
}

const engines: Engine[] = [
  { engine: 'local', endpoint: LOCAL, networkMode: 'bridge' },
  { engine: 'h2', endpoint: H2, networkMode: 'none' },
];

describe.each(engines)('DockerodeHost on $engine', ({ engine, endpoint, networkMode }) => {
  const nextName = containerNames(`${SUITE}-${engine}`);
  const requests: HostRequest[] = [];
  const host = createDockerodeHost(engine, endpoint, {
    networkMode,
    onRequest: (request) => requests.push(request),
  });
  const raw = rawClient(endpoint);

  useTestbed({
    setup: () => removeTestContainers(endpoint, SUITE),
    teardown: async () => {
      host.close();
      await removeTestContainers(endpoint, SUITE);
    },
  });

  async function create(overrides: Partial<ContainerSpec> = {}): Promise<[string, ContainerSpec]> {
    const spec = testSpec(nextName(), overrides);
    return [await host.createContainer(spec, testLabels(spec, SUITE)), spec];
  }

  async function failure(attempt: Promise<unknown>): Promise<HostError> {
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }

  async function statusUntil(
    id: string,
    done: (status: ContainerStatus) => boolean,
  ): Promise<ContainerStatus> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const status = await host.containerStatus(id);
      if (done(status) || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('creates the container of a spec: name, image, hostname, domain, DNS, labels, MAC', async () => {
    const mac = randomMac();
    const [id, spec] = await create({ macAddress: mac });

    const info = await raw.getContainer(id).inspect();
    expect(info.Name).toBe(`/${spec.name}`);
    expect(info.Config.Image).toBe('dns:latest');
    expect(info.Config.Hostname).toBe(spec.name);
    expect(info.Config.Domainname).toBe('endor.lab');
    expect(info.Config.Labels).toEqual(testLabels(spec, SUITE));
    expect(info.HostConfig.Dns).toEqual(['10.0.0.1']);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.HostConfig.NetworkMode).toBe(networkMode);
    expect((info.Config as { MacAddress?: string }).MacAddress).toBe(mac);
    expect(info.State.Status).toBe('created');

    await host.startContainer(id);
    const started = await raw.getContainer(id).inspect();
    expect(started.NetworkSettings.Networks[networkMode]?.MacAddress).toBe(mac);
  });

  it('lists every container, running or not, with its labels, in one read request', async () => {
    const [idle, idleSpec] = await create();
    const [busy, busySpec] = await create();
    await host.startContainer(busy);

    requests.length = 0;
    const listed = await host.listContainers();
    expect(requests).toEqual([{ host: engine, method: 'list', write: false }]);
    expect(listed.find((c) => c.id === idle)).toEqual({
      host: engine,
      name: idleSpec.name,
      id: idle,
      running: false,
      labels: testLabels(idleSpec, SUITE),
      image: idleSpec.image,
      networks: [{ name: networkMode }],
    });
    const running = listed.find((c) => c.id === busy);
    expect(running).toMatchObject({ name: busySpec.name, running: true });
    const inspected = await raw.getContainer(busy).inspect();
    const own = inspected.NetworkSettings.Networks[networkMode];
    if (networkMode === 'bridge') {
      expect(running?.networks).toEqual([
        { name: 'bridge', ipv4: own?.IPAddress, macAddress: own?.MacAddress },
      ]);
      expect(running?.networks?.[0]?.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(running?.addresses).toEqual([own?.IPAddress]);
    } else {
      expect(running?.networks).toEqual([{ name: 'none' }]);
    }
  });

  it('starts a container, reports it running, and stops it within a second', async () => {
    const [id] = await create();
    expect(await host.containerStatus(id)).toEqual({ running: false });

    await host.startContainer(id);
    const status = await host.containerStatus(id);
    expect(status).toEqual({
      running: true,
      pid: (await raw.getContainer(id).inspect()).State.Pid,
    });
    expect(status.pid).toBeGreaterThan(1);

    const begin = Date.now();
    await host.stopContainer(id);
    expect(Date.now() - begin).toBeLessThan(1000);
    expect(await host.containerStatus(id)).toEqual({ running: false, exitCode: 0 });
  });

  it('takes a repeated start, stop or remove, and a stop or remove of an absent one, as done', async () => {
    const [id] = await create();
    await host.startContainer(id);
    await host.startContainer(id);
    await host.stopContainer(id);
    await host.stopContainer(id);
    await host.removeContainer(id);
    await host.removeContainer(id);
    await host.stopContainer(id);

    expect((await host.listContainers()).some((c) => c.id === id)).toBe(false);
    const missing = await failure(host.containerStatus(id));
    expect(missing.kind).toBe('not-found');
    expect((await failure(host.startContainer(id))).kind).toBe('not-found');
  });

  it('gives a stopping container the seconds its image names, and the host default otherwise', async () => {
    // busybox's sleep as PID 1 ignores TERM: each stop lasts its whole timeout.
    const slow = `dsh-${SUITE}-slow-stop:latest`;
    const wrong = `dsh-${SUITE}-wrong-stop:latest`;
    const plainImage = `dsh-${SUITE}-plain-stop:latest`;
    const sleeper = 'FROM healthy:latest\nCMD ["sleep", "3600"]\n';
    await buildTestImage(endpoint, plainImage, sleeper);
    await buildTestImage(endpoint, slow, `${sleeper}LABEL ${STOP_TIMEOUT_LABEL}=3\n`);
    await buildTestImage(endpoint, wrong, `${sleeper}LABEL ${STOP_TIMEOUT_LABEL}=soon\n`);
    const quick = createDockerodeHost(engine, endpoint, { networkMode, stopTimeoutSeconds: 1 });
    try {
      expect((await quick.inspectImage(slow))?.stopTimeoutSeconds).toBe(3);
      const refused = await failure(quick.inspectImage(wrong));
      expect(refused.message).toContain(`${STOP_TIMEOUT_LABEL}="soon" is not whole seconds`);
      expect(refused.message).toContain(wrong);

      async function stopSeconds(image: string, stopTimeout?: number): Promise<number> {
        const spec = testSpec(nextName(), { image });
        const id = await quick.createContainer(spec, testLabels(spec, SUITE), stopTimeout);
        await quick.startContainer(id);
        const begin = Date.now();
        await quick.stopContainer(id);
        expect(await quick.containerStatus(id)).toMatchObject({ running: false });
        return (Date.now() - begin) / 1000;
      }
      // Created with its image's timeout, as the executor does.
      const created = await stopSeconds(slow, 3);
      expect(created).toBeGreaterThanOrEqual(2.9);
      expect(created).toBeLessThan(8);
      // Created before the label was read: the label still counts.
      const labelled = await stopSeconds(slow);
      expect(labelled).toBeGreaterThanOrEqual(2.9);
      expect(labelled).toBeLessThan(8);
      // An image without the label: the host's default.
      const plain = await stopSeconds(plainImage);
      expect(plain).toBeGreaterThanOrEqual(0.9);
      expect(plain).toBeLessThan(2.9);
    } finally {
      quick.close();
      await removeTestContainers(endpoint, SUITE);
      for (const image of [slow, wrong, plainImage])
        await raw
          .getImage(image)
          .remove()
          .catch(() => undefined);
    }
  }, 60_000);

  it('refuses to remove a running container, which keeps running', async () => {
    const [id] = await create();
    await host.startContainer(id);

    const refused = await failure(host.removeContainer(id));
    expect(refused.kind).toBe('conflict');
    expect(refused.host).toBe(engine);
    expect(await host.containerStatus(id)).toMatchObject({ running: true });

    await host.stopContainer(id);
    await host.removeContainer(id);
  });

  it('reports a name already in use as a conflict naming the container', async () => {
    const [, spec] = await create();
    const conflict = await failure(host.createContainer(spec, testLabels(spec, SUITE)));
    expect(conflict.kind).toBe('conflict');
    expect(conflict.message).toContain(spec.name);
    expect(conflict.message).toContain(`Docker host ${engine}`);
  });

  it('knows the images it holds, and fails a create whose image it lacks', async () => {
    expect(await host.inspectImage('dns:latest')).toBeDefined();
    expect(await host.inspectImage('webui:2')).toBeDefined();
    expect(await host.inspectImage('webui:no-such-tag')).toBeUndefined();

    const absent = await failure(create({ image: 'webui:no-such-tag' }));
    expect(absent.kind).toBe('image-unavailable');
    expect(absent.message).toContain('webui:no-such-tag');
  });

  it('fails a pull from an unreachable registry quickly, as image-unavailable', async () => {
    const begin = Date.now();
    const pull = await failure(host.pullImage('127.0.0.1:1/none:latest'));
    expect(Date.now() - begin).toBeLessThan(5000);
    expect(pull.kind).toBe('image-unavailable');
    expect(pull.message).toContain('127.0.0.1:1/none:latest');
  });

  it('reports health: starting, then healthy or unhealthy', async () => {
    const [healthy] = await create({ image: 'healthy:latest' });
    const [sick] = await create({ image: 'neverhealthy:latest' });
    await host.startContainer(healthy);
    await host.startContainer(sick);
    expect(await host.containerStatus(healthy)).toMatchObject({
      running: true,
      health: 'starting',
    });

    const settled = (s: ContainerStatus) => s.health !== 'starting';
    expect(await statusUntil(healthy, settled)).toMatchObject({ running: true, health: 'healthy' });
    expect(await statusUntil(sick, settled)).toMatchObject({ running: true, health: 'unhealthy' });
  });

  it('reports the exit code of a container that was killed', async () => {
    const [id] = await create();
    await host.startContainer(id);
    await raw.getContainer(id).kill({ signal: 'SIGKILL' });

    expect(await statusUntil(id, (s) => !s.running)).toEqual({ running: false, exitCode: 137 });
  });

  it('reports each request once, before it is sent, marking the writes', async () => {
    requests.length = 0;
    const [id] = await create();
    await host.inspectImage('dns:latest');
    await host.startContainer(id);
    await host.containerStatus(id);
    await host.stopContainer(id);
    await host.removeContainer(id);
    await host.pullImage('127.0.0.1:1/none:latest').catch(() => undefined);
    await host.listContainers();

    expect(requests.map((r) => `${r.method}${r.write ? '!' : ''}`)).toEqual([
      'create!',
      'image',
      'start!',
      'inspect',
      // A stop reads the container's stop timeout first.
      'inspect',
      'stop!',
      'remove!',
      'pull!',
      'list',
    ]);
    expect(requests.every((r) => r.host === engine)).toBe(true);
  });
});
