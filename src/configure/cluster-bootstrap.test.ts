import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { labelsFor } from '../plan/labels.js';
import { silentLog } from '../util/log.js';
import { CLUSTER_LABEL, ClusterBootstrap, STALL_MS } from './cluster-bootstrap.js';

const HISTORY = '6b2cf5a4-9c1e-11ef-8a3d-2f6c1b0d4e77';
const clustered = { dataFolders: [], labels: { [CLUSTER_LABEL]: 'bootstrap' } };

function spec(name: string, host: string): ContainerSpec {
  return {
    environment: 'prod',
    name,
    service: 'galera',
    host,
    tier: 3,
    image: 'galera:latest',
    hostname: name,
    domain: 'endor.lab',
    state: 'running',
  };
}

function setup(
  states: Record<string, string>,
  coming: Set<string> = new Set(),
  warnings: string[] = [],
) {
  const specs = [spec('gal1', 'h1'), spec('gal2', 'h2')];
  const hosts = new Map(specs.map((s) => [s.host, new FakeDockerHost(s.host)]));
  const execs: string[] = [];
  for (const s of specs) {
    const host = hosts.get(s.host) as FakeDockerHost;
    host.add({
      name: s.name,
      image: s.image,
      running: true,
      labels: { ...labelsFor(s), ...clustered.labels },
    });
    host.execHandler = (container, command) => {
      execs.push(`${container.name}: ${command.join(' ')}`);
      const stdout = command[1] === 'cluster-state' ? (states[container.name] ?? '') : '';
      return { exitCode: 0, stdout, stderr: '' };
    };
  }
  const clock = new FakeClock();
  const clusters = new ClusterBootstrap({
    hosts,
    specs,
    coming,
    clock,
    log: {
      ...silentLog,
      warn: (meta, message) => warnings.push(`${message} ${JSON.stringify(meta)}`),
    },
  });
  return { clusters, execs, clock, specs, hosts };
}

const waiting = (seqno: number, running = 0) =>
  `state=waiting seqno=${String(seqno)} uuid=${HISTORY} safe_to_bootstrap=0 running=${String(running)}`;

describe('ClusterBootstrap', () => {
  it('asks every member, and bootstraps the most advanced once none has been primary for a while', async () => {
    const { clusters, execs, clock, specs } = setup({ gal1: waiting(7), gal2: waiting(9, 1) });
    const gal1 = specs[0] as ContainerSpec;
    await clusters.whileStarting(gal1, clustered);
    clock.advance(10_000);
    await clusters.whileStarting(gal1, clustered);
    // Members that come back together may find their primary component by themselves.
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([]);
    clock.advance(STALL_MS - 10_000);
    await clusters.whileStarting(gal1, clustered);
    expect(execs.slice(-3)).toEqual([
      'gal1: dockstack-service cluster-state',
      'gal2: dockstack-service cluster-state',
      'gal2: dockstack-service bootstrap',
    ]);
  });

  it('starts counting again when a member was primary in between', async () => {
    const states = { gal1: waiting(7), gal2: waiting(9, 1) };
    const { clusters, execs, clock, specs } = setup(states);
    const gal1 = specs[0] as ContainerSpec;
    await clusters.whileStarting(gal1, clustered);
    clock.advance(10_000);
    states.gal2 = `state=primary seqno=9 uuid=${HISTORY} safe_to_bootstrap=0 running=1`;
    await clusters.whileStarting(gal1, clustered);
    states.gal2 = waiting(9, 1);
    clock.advance(STALL_MS);
    await clusters.whileStarting(gal1, clustered);
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([]);
  });

  it('settles a stalled service found by a pass after looking again STALL_MS later', async () => {
    const { clusters, execs, hosts } = setup({ gal1: waiting(7, 1), gal2: waiting(9, 1) });
    const observed = (
      await Promise.all([...hosts.values()].map((host) => host.listContainers()))
    ).flat();
    await clusters.settleStalled(observed);
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([
      'gal2: dockstack-service bootstrap',
    ]);
  });

  it('leaves a cluster with a primary member alone, and looks again only after a while', async () => {
    const primary = `state=primary seqno=9 uuid=${HISTORY} safe_to_bootstrap=0 running=1`;
    const { clusters, execs, clock, specs } = setup({ gal1: waiting(7), gal2: primary });
    const gal1 = specs[0] as ContainerSpec;
    await clusters.whileStarting(gal1, clustered);
    await clusters.whileStarting(gal1, clustered);
    expect(execs).toHaveLength(2);
    clock.advance(5_000);
    await clusters.whileStarting(gal1, clustered);
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([]);
    expect(execs).toHaveLength(4);
  });

  it('bootstraps nothing when a member does not answer as its contract says, and says so', async () => {
    const warnings: string[] = [];
    const { clusters, execs, specs } = setup(
      { gal1: waiting(7), gal2: 'mysqld is not here' },
      new Set(),
      warnings,
    );
    await clusters.whileStarting(specs[0] as ContainerSpec, clustered);
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([]);
    expect(warnings).toEqual([
      'cluster member did not say its state {"service":"galera","container":"gal2","exitCode":0}',
    ]);
  });

  it('gives way when another member does not run and this pass does not bring it up', async () => {
    const { clusters, execs, specs, hosts } = setup({ gal1: waiting(7) });
    const h2 = hosts.get('h2') as FakeDockerHost;
    const [gal2] = await h2.listContainers();
    await h2.removeContainer(gal2?.id ?? '');
    await expect(clusters.whileStarting(specs[0] as ContainerSpec, clustered)).rejects.toThrow(
      'gal2, of the same cluster, does not run: the wait gives way to the next pass',
    );
    expect(execs.filter((e) => e.endsWith('bootstrap'))).toEqual([]);
  });

  it('waits for a member that this pass brings up, until its step fails', async () => {
    const coming = new Set(['gal2']);
    const { clusters, specs, hosts, clock } = setup({ gal1: waiting(7) }, coming);
    const h2 = hosts.get('h2') as FakeDockerHost;
    const [gal2] = await h2.listContainers();
    await h2.removeContainer(gal2?.id ?? '');
    await expect(clusters.whileStarting(specs[0] as ContainerSpec, clustered)).resolves.toBe(
      undefined,
    );
    // Its start failed: the pass takes it out, and the next look gives way.
    coming.delete('gal2');
    clock.advance(5_000);
    await expect(clusters.whileStarting(specs[0] as ContainerSpec, clustered)).rejects.toThrow(
      'gal2, of the same cluster, does not run',
    );
  });

  it('does not look at an image outside the contract', async () => {
    const { clusters, execs, specs } = setup({});
    await clusters.whileStarting(specs[0] as ContainerSpec, { dataFolders: [], labels: {} });
    expect(execs).toEqual([]);
  });
});
