import { afterEach, describe, expect, it } from 'vitest';

import type { HostRequest } from '../../src/hosts/dockerode-host.js';
import { LABELS } from '../../src/hosts/ownership-labels.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  environment,
  environmentText,
  hostsFor,
  PREFIX,
  reconcileText,
  removeTestContainers,
  seedServices,
  startedAt,
  testContainers,
  type Extras,
  type Services,
} from './apply-env.js';
import { DEFAULT_ORDER } from '../../src/environment/tier-order.js';

const ORDER = DEFAULT_ORDER;

async function apply(
  services: Services,
  extras: Extras = {},
  onRequest?: (r: HostRequest) => void,
) {
  const env = environment(services, extras);
  const hosts = hostsFor(env, onRequest === undefined ? {} : { onRequest });
  try {
    return await reconcileText(environmentText(services, extras), hosts);
  } finally {
    for (const host of hosts.values()) host.close();
  }
}

describe('reconcile against real Docker engines', () => {
  useTestbed({ setup: removeTestContainers, teardown: removeTestContainers });
  // Every managed container on a host that the environment does not name is removed, so each
  // test starts from hosts without any of these tests' containers.
  afterEach(removeTestContainers);

  it('deploys the seed services over two hosts, each tier started after the one before', async () => {
    const services = seedServices(2, 'tier');
    const { result, unreachable } = await apply(services);
    expect(unreachable).toEqual([]);
    expect(result.steps.filter((s) => s.outcome === 'failed')).toEqual([]);
    expect(result.converged).toBe(true);

    const containers = await testContainers();
    expect(containers).toHaveLength(20);
    expect(containers.every((c) => c.running && c.managed)).toBe(true);
    expect(new Set(containers.filter((c) => c.name.includes('tier')).map((c) => c.engine))).toEqual(
      new Set(['local', 'h2']),
    );

    const starts = new Map<string, bigint[]>();
    for (const c of containers) {
      const service = c.labels[LABELS.service] ?? '';
      starts.set(service, [...(starts.get(service) ?? []), await startedAt(c.engine, c.id)]);
    }
    for (let tier = 1; tier < ORDER.length; tier++) {
      const before = starts.get(ORDER[tier - 1] ?? '') ?? [];
      const now = starts.get(ORDER[tier] ?? '') ?? [];
      const lastBefore = before.reduce((a, b) => (a > b ? a : b));
      const firstNow = now.reduce((a, b) => (a < b ? a : b));
      expect(
        firstNow > lastBefore,
        `${ORDER[tier] ?? ''} started before ${ORDER[tier - 1] ?? ''} was up`,
      ).toBe(true);
    }

    const dns = containers.find((c) => c.name === `${PREFIX}-tier-dns1`);
    const info = await rawClient(ENGINES.local)
      .getContainer(dns?.id ?? '')
      .inspect();
    expect(info.Config.Hostname).toBe(`${PREFIX}-tier-dns1`);
    expect(info.Config.Domainname).toBe('endor.lab');
    expect(info.HostConfig.Dns).toEqual(['10.0.0.1']);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Config.Image).toBe('dns:latest');
  });

  it('changes nothing when applied again: only read calls reach the engines', async () => {
    const services = seedServices(1, 'idem');
    await apply(services);
    const requests: HostRequest[] = [];
    const again = await apply(services, {}, (r) => requests.push(r));
    expect(again.result.steps).toEqual([]);
    expect(again.result.converged).toBe(true);
    expect(requests.filter((r) => r.write)).toEqual([]);
    expect(requests.map((r) => `${r.host} ${r.method}`).sort()).toEqual(['h2 list', 'local list']);
  });

  it('makes only read calls, one list per host, when 200 running containers match', async () => {
    const services = seedServices(20, 'noop');
    const first = await apply(services);
    expect(first.result.converged).toBe(true);
    expect((await testContainers()).filter((c) => c.running)).toHaveLength(200);
    const requests: HostRequest[] = [];
    const again = await apply(services, {}, (r) => requests.push(r));
    expect(again.result.steps).toEqual([]);
    expect(requests.filter((r) => r.write)).toEqual([]);
    expect(requests.map((r) => `${r.host} ${r.method}`).sort()).toEqual(['h2 list', 'local list']);
    // 200 creates and starts queue inside the engines: minutes on a busy two-core machine.
  }, 300_000);

  it('adds and removes a container', async () => {
    const base: Services = { webui: { [`${PREFIX}-add-webui1`]: { host: 'local' } } };
    await apply(base);
    const added = await apply({
      webui: { ...base.webui, [`${PREFIX}-add-webui2`]: { host: 'h2' } },
    });
    expect(added.result.steps).toEqual([
      expect.objectContaining({
        action: 'create',
        name: `${PREFIX}-add-webui2`,
        host: 'h2',
        outcome: 'done',
      }),
    ]);
    expect(
      (await testContainers())
        .filter((c) => c.name.includes('-add-'))
        .map((c) => [c.name, c.engine, c.running]),
    ).toEqual([
      [`${PREFIX}-add-webui1`, 'local', true],
      [`${PREFIX}-add-webui2`, 'h2', true],
    ]);

    const removed = await apply(base);
    expect(removed.result.steps).toEqual([
      expect.objectContaining({ action: 'remove', name: `${PREFIX}-add-webui2`, outcome: 'done' }),
    ]);
    expect(
      (await testContainers()).filter((c) => c.name.includes('-add-')).map((c) => c.name),
    ).toEqual([`${PREFIX}-add-webui1`]);
  });

  it('stops and starts a container as state: says', async () => {
    const name = `${PREFIX}-state-webui1`;
    await apply({ webui: { [name]: { host: 'h2' } } });
    const stopped = await apply({ webui: { [name]: { host: 'h2', state: 'stopped' } } });
    expect(stopped.result.steps).toEqual([
      expect.objectContaining({ action: 'stop', outcome: 'done' }),
    ]);
    expect((await testContainers()).find((c) => c.name === name)?.running).toBe(false);
    const started = await apply({ webui: { [name]: { host: 'h2' } } });
    expect(started.result.steps).toEqual([
      expect.objectContaining({ action: 'start', outcome: 'done' }),
    ]);
    expect((await testContainers()).find((c) => c.name === name)?.running).toBe(true);
  });

  it('recreates a container when its image changes', async () => {
    const name = `${PREFIX}-image-webui1`;
    await apply({ webui: { [name]: { host: 'local' } } });
    const before = (await testContainers()).find((c) => c.name === name);
    const changed = await apply({ webui: { [name]: { host: 'local', tag: '2' } } });
    expect(changed.result.steps).toEqual([
      expect.objectContaining({ action: 'recreate', outcome: 'done' }),
    ]);
    const after = (await testContainers()).filter((c) => c.name === name);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(before?.id);
    expect(after[0]?.image).toBe('webui:2');
    expect(after[0]?.running).toBe(true);
  });

  it('fails the containers of a host that is down and converges the others', async () => {
    const services: Services = {
      dns: {
        [`${PREFIX}-down-dns1`]: { host: 'local' },
        [`${PREFIX}-down-dns2`]: { host: 'gone' },
      },
      webui: { [`${PREFIX}-down-webui1`]: { host: 'h2' } },
    };
    const { result, unreachable } = await apply(services, {
      hosts: { gone: { docker: 'unix:///run/dockstack-test-no-such.sock' } },
    });
    expect(result.converged).toBe(false);
    expect(unreachable).toEqual([
      expect.objectContaining({ host: 'gone', containers: [`${PREFIX}-down-dns2`] }),
    ]);
    expect(unreachable[0]?.error).toContain('gone');
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      [`${PREFIX}-down-dns1`, 'done'],
      [`${PREFIX}-down-webui1`, 'done'],
    ]);
  });

  it('never touches a container it does not own that holds a name', async () => {
    const name = `${PREFIX}-foreign-webui1`;
    const docker = rawClient(ENGINES.local);
    const foreign = await docker.createContainer({
      name,
      Image: 'webui:latest',
      Labels: { owner: 'someone-else' },
    });
    const { result } = await apply({
      dns: { [`${PREFIX}-foreign-dns1`]: { host: 'local' } },
      webui: { [name]: { host: 'local' } },
    });
    const step = result.steps.find((s) => s.name === name);
    expect(step).toMatchObject({ action: 'conflict', outcome: 'failed' });
    expect(step?.error).toContain('does not manage');
    expect(result.steps.find((s) => s.name === `${PREFIX}-foreign-dns1`)?.outcome).toBe('done');
    const info = await docker.getContainer(foreign.id).inspect();
    expect(info.Config.Labels).toEqual({ owner: 'someone-else' });
    expect(info.State.Status).toBe('created');
  });

  it('leaves the containers of another environment alone, even where a name clashes', async () => {
    const theirs = `${PREFIX}-other-webui1`;
    await apply({ webui: { [theirs]: { host: 'local' } } }, { name: 'someone-else' });
    const mine = await apply({ dns: { [`${PREFIX}-other-dns1`]: { host: 'local' } } });
    expect(mine.result.steps).toEqual([
      expect.objectContaining({ action: 'create', outcome: 'done' }),
    ]);
    const clash = await apply({ webui: { [theirs]: { host: 'local' } } });
    expect(clash.result.steps.map((s) => [s.action, s.name, s.outcome])).toEqual([
      ['remove', `${PREFIX}-other-dns1`, 'done'],
      ['conflict', theirs, 'failed'],
    ]);
    const left = (await testContainers()).find((c) => c.name === theirs);
    expect(left?.labels[LABELS.environment]).toBe('someone-else');
    expect(left?.running).toBe(true);
  });

  it('fails a container whose image cannot be had and deploys the rest', async () => {
    // Nothing listens on 127.0.0.1:1, so the pull fails at once without leaving the machine; the
    // dns image is there under the registry's name and needs no pull.
    const registry = '127.0.0.1:1';
    await rawClient(ENGINES.local)
      .getImage('dns:latest')
      .tag({ repo: `${registry}/dns`, tag: 'latest' });
    const services: Services = {
      dns: { [`${PREFIX}-image-dns1`]: { host: 'local' } },
      webui: { [`${PREFIX}-image-webui9`]: { host: 'local', tag: 'missing' } },
    };
    const { result } = await apply(services, { registry }).finally(() =>
      rawClient(ENGINES.local).getImage(`${registry}/dns:latest`).remove(),
    );
    const failed = result.steps.find((s) => s.name === `${PREFIX}-image-webui9`);
    expect(failed?.outcome).toBe('failed');
    expect(failed?.error).toContain(`${registry}/webui:missing`);
    expect(result.steps.find((s) => s.name === `${PREFIX}-image-dns1`)?.outcome).toBe('done');
  });
});
