import { describe, expect, it } from 'vitest';

import { createDockerodeHost } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import { LABELS } from '../../src/hosts/ownership-labels.js';
import {
  H2,
  LOCAL,
  rawClient,
  removeTestContainers,
  SUITE_LABEL,
  TEST_LABEL,
} from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { containerNames, testLabels, testSpec } from './test-spec.js';

const SUITE = 'volumes';

describe.each([
  { engine: 'local', endpoint: LOCAL },
  { engine: 'h2', endpoint: H2 },
])('volumes on $engine', ({ engine, endpoint }) => {
  const host = createDockerodeHost(engine, endpoint, { networkMode: 'none' });
  const raw = rawClient(endpoint);
  const nextName = containerNames(`${SUITE}-${engine}`);
  const image = `dsh-volumes-${engine}:latest`;
  const labels = (container: string, path: string) => ({
    [LABELS.managed]: 'true',
    [LABELS.environment]: 'volumes-test',
    [LABELS.service]: 'dns',
    [LABELS.container]: container,
    [LABELS.path]: path,
    [TEST_LABEL]: '1',
    [SUITE_LABEL]: SUITE,
  });

  async function removeVolumes(): Promise<void> {
    const { Volumes: volumes } = await raw.listVolumes({
      filters: { label: [`${SUITE_LABEL}=${SUITE}`] },
    });
    for (const v of volumes)
      await raw
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
    await raw
      .getVolume(`${engine}-foreign-volume`)
      .remove()
      .catch(() => undefined);
  }

  useTestbed({
    setup: async () => {
      await removeTestContainers(endpoint, SUITE);
      await removeVolumes();
      // An image that declares data folders both ways: the label and a VOLUME.
      const base = await raw.createContainer({ Image: 'dns:latest', name: nextName() });
      await base.commit({
        repo: image.split(':')[0],
        tag: 'latest',
        changes: ['LABEL org.dockstack.data="/var/lib/data /etc/ca"', 'VOLUME /var/cache/app'],
      });
      await base.remove({ force: true });
    },
    teardown: async () => {
      host.close();
      await removeTestContainers(endpoint, SUITE);
      await removeVolumes();
      await raw
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    },
  });

  it('reads the data folders an image declares: its label, then its VOLUMEs', async () => {
    const facts = await host.inspectImage(image);
    expect(facts?.dataFolders).toEqual(['/var/lib/data', '/etc/ca', '/var/cache/app']);
    expect(facts?.labels['org.dockstack.data']).toBe('/var/lib/data /etc/ca');
    expect((await host.inspectImage('dns:latest'))?.dataFolders).toEqual([]);
    expect(await host.inspectImage('dsh-volumes-none:latest')).toBeUndefined();
  });

  it('makes a volume once, labelled, lists it, and refuses one of the name that is not its own', async () => {
    const name = `dsh-${engine}-${nextName()}-data`;
    expect(await host.ensureVolume(name, labels('c1', '/var/lib/data'))).toBe(true);
    expect(await host.ensureVolume(name, labels('c1', '/var/lib/data'))).toBe(false);
    expect((await raw.getVolume(name).inspect()).Labels).toEqual(labels('c1', '/var/lib/data'));
    const listed = await host.listVolumes();
    expect(listed.find((v) => v.name === name)).toEqual({
      host: engine,
      name,
      labels: labels('c1', '/var/lib/data'),
    });
    const error = await host
      .ensureVolume(name, labels('c2', '/var/lib/data'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).kind).toBe('conflict');

    const foreign = `${engine}-foreign-volume`;
    await raw.createVolume({ Name: foreign });
    expect((await host.listVolumes()).some((v) => v.name === foreign)).toBe(false);
    const refused = await host.ensureVolume(foreign, labels('c1', '/x')).catch((e: unknown) => e);
    expect((refused as HostError).message).toMatch(/not dockstack's/);
  });

  it('creates a container with a named volume and a folder of the host, read-only where asked', async () => {
    const name = nextName();
    const volume = `dsh-${name}-data`;
    await host.ensureVolume(volume, labels(name, '/var/lib/data'));
    const spec = testSpec(name, {
      volumes: [
        { type: 'volume', name: volume, target: '/var/lib/data' },
        { type: 'bind', source: '/etc', target: '/host-etc', readOnly: true },
      ],
    });
    const id = await host.createContainer(spec, testLabels(spec, SUITE));
    const info = await raw.getContainer(id).inspect();
    expect(
      info.Mounts.map((m) => ({
        type: m.Type,
        name: m.Name,
        source: m.Source,
        target: m.Destination,
        rw: m.RW,
      })),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'volume',
          name: volume,
          target: '/var/lib/data',
          rw: true,
        }),
        expect.objectContaining({ type: 'bind', source: '/etc', target: '/host-etc', rw: false }),
      ]),
    );
    expect(await host.pathExists(id, '/host-etc')).toBe(true);
    expect(await host.pathExists(id, '/var/lib/data/nothing-here')).toBe(false);
    const gone = await host.pathExists('dsh-no-such-container', '/').catch((e: unknown) => e);
    expect((gone as HostError).kind).toBe('not-found');

    const inUse = await host.removeVolume(volume).catch((e: unknown) => e);
    expect((inUse as HostError).kind).toBe('conflict');
    await raw.getContainer(id).remove({ force: true });
    await host.removeVolume(volume);
    await host.removeVolume(volume);
    expect((await host.listVolumes()).some((v) => v.name === volume)).toBe(false);
  });
});
