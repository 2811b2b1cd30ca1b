import { createServer, type Server, type Socket } from 'node:net';

import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { createDockerodeHost } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import { LOCAL, rawClient } from '../testbed/docker-testbed.js';
import { BROKEN_TAG, startTinyRegistry, type TinyRegistry } from '../testbed/tiny-registry.js';
import { useTestbed } from '../testbed/use-testbed.js';

/** The repository the tiny registry serves; images of it are this suite's to remove. */
const REPOSITORY = 'dsh-tiny';

async function removePulledImages(docker: Docker): Promise<void> {
  const images = await docker.listImages();
  const ours = images.filter((image) =>
    (image.RepoTags ?? []).some((tag) => /^127\.0\.0\.1:\d+\/dsh-tiny:/.test(tag)),
  );
  await Promise.all(ours.map((image) => docker.getImage(image.Id).remove({ force: true })));
}

async function failure(attempt: Promise<unknown>): Promise<{ error: HostError; ms: number }> {
  const begin = Date.now();
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostError);
  return { error: error as HostError, ms: Date.now() - begin };
}

/** Pulls run on the machine's own engine: the registry listens on its loopback. */
describe('pulling an image from a registry', () => {
  let registry: TinyRegistry;
  const host = createDockerodeHost('local', LOCAL);
  const raw = rawClient(LOCAL);

  useTestbed({
    setup: async () => {
      await removePulledImages(raw);
      registry = await startTinyRegistry(REPOSITORY, 'v1');
    },
    teardown: async () => {
      host.close();
      await (registry as TinyRegistry | undefined)?.close();
      await removePulledImages(raw);
    },
  });

  it('pulls to the end of the progress stream, after which the host has the image', async () => {
    const reference = `${registry.address}/${REPOSITORY}:v1`;
    expect(await host.inspectImage(reference)).toBeUndefined();

    await host.pullImage(reference);

    expect(await host.inspectImage(reference)).toBeDefined();
    expect(registry.requests).toContain(`/v2/${REPOSITORY}/manifests/v1`);
  });

  it('fails as image-unavailable when the engine reports an error inside the stream', async () => {
    const reference = `${registry.address}/${REPOSITORY}:${BROKEN_TAG}`;
    const { error } = await failure(host.pullImage(reference));
    expect(error.kind).toBe('image-unavailable');
    expect(error.message).toContain(`could not pull image ${reference}`);
    expect(error.message).toContain('unknown blob');
    expect(await host.inspectImage(reference)).toBeUndefined();
  });

  it('fails as image-unavailable when the registry has no such image', async () => {
    const { error } = await failure(host.pullImage(`${registry.address}/${REPOSITORY}:v404`));
    expect(error.kind).toBe('image-unavailable');
    expect(error.message).toContain('manifest unknown');
  });

  it('gives up at the pull deadline when the registry never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const patient = createDockerodeHost('local', LOCAL, { pullDeadlineMs: 800 });
    try {
      const { error, ms } = await failure(
        patient.pullImage(`127.0.0.1:${String(port)}/${REPOSITORY}:v1`),
      );
      expect(ms).toBeLessThan(1500);
      expect(error.kind).toBe('unreachable');
      expect(error.message).toContain('did not answer within 0.8 s');
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      patient.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
