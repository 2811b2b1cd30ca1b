import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import type { DockerHost } from '../../src/hosts/docker-host.js';
import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import type { NetworkSpec } from '../../src/hosts/network-spec.js';
import {
  H2,
  LOCAL,
  rawClient,
  removeTestContainers,
  SUITE_LABEL,
  TEST_LABEL,
} from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { bridgeName, removeTestNetworks } from './test-networks.js';
import { containerNames, randomMac, testLabels, testSpec } from './test-spec.js';

const SUITE = 'networks';

/** `ip` in the engine's own network namespace: the root one, or ds-h2's. */
const engines = [
  { engine: 'local', endpoint: LOCAL, ip: ['ip'] },
  { engine: 'h2', endpoint: H2, ip: ['nsenter', '--net=/run/netns/ds-h2', 'ip'] },
];

describe.each(engines)('Docker networks on $engine', ({ engine, endpoint, ip }) => {
  const nextName = containerNames(`${SUITE}-${engine}`);
  const requests: HostRequest[] = [];
  const host = createDockerodeHost(engine, endpoint, {
    onRequest: (request) => requests.push(request),
  });
  const raw = rawClient(endpoint);
  // A /24 of 10.231.0.0/16 for each network, apart from any other test's.
  const octet = randomInt(0, 200);
  let serial = 0;

  const cleanup = async (): Promise<void> => {
    await removeTestContainers(endpoint, SUITE);
    await removeTestNetworks(endpoint, SUITE);
  };
  useTestbed({
    setup: cleanup,
    teardown: async () => {
      host.close();
      await cleanup();
    },
  });

  function networkSpec(overrides: Partial<NetworkSpec> = {}): NetworkSpec {
    const third = (octet + serial) % 256;
    serial++;
    return {
      name: nextName(),
      subnet: `10.231.${String(third)}.0/24`,
      gateway: `10.231.${String(third)}.254`,
      mtu: 1450,
      bridgeName: bridgeName(engine.slice(0, 2)),
      labels: { [TEST_LABEL]: '1', [SUITE_LABEL]: SUITE, 'org.dockstack.environment': 'test' },
      ...overrides,
    };
  }

  /** A container of this suite, created on `on` (on its network mode) and not started. */
  async function container(on: DockerHost, mac?: string): Promise<string> {
    const spec = testSpec(nextName(), mac === undefined ? {} : { macAddress: mac });
    return on.createContainer(spec, testLabels(spec, SUITE));
  }

  const opened: DockerHost[] = [];
  afterEach(() => {
    for (const on of opened.splice(0)) on.close();
  });

  /** A host whose containers are created on `network`; closed after the test. */
  function hostOn(network: string): DockerHost {
    const on = createDockerodeHost(engine, endpoint, { networkMode: network });
    opened.push(on);
    return on;
  }

  async function failure(attempt: Promise<unknown>): Promise<HostError> {
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }

  it('creates a bridge network with subnet, gateway, MTU, bridge name and labels, and lists it', async () => {
    const spec = networkSpec();
    requests.length = 0;
    const id = await host.createNetwork(spec);
    expect(requests).toEqual([{ host: engine, method: 'network', write: true }]);

    const info = await raw.getNetwork(id).inspect();
    expect(info.Name).toBe(spec.name);
    expect(info.Driver).toBe('bridge');
    expect(info.IPAM?.Config).toEqual([{ Subnet: spec.subnet, Gateway: spec.gateway }]);

    requests.length = 0;
    const listed = (await host.listNetworks()).find((n) => n.id === id);
    expect(requests).toEqual([{ host: engine, method: 'networks', write: false }]);
    expect(listed).toEqual({
      id,
      name: spec.name,
      labels: spec.labels,
      subnet: spec.subnet,
      gateway: spec.gateway,
      bridgeName: spec.bridgeName,
      mtu: 1450,
      options: {
        'com.docker.network.bridge.name': spec.bridgeName,
        'com.docker.network.driver.mtu': '1450',
      },
    });
    expect(
      execFileSync(ip[0]!, [...ip.slice(1), '-4', 'addr', 'show', 'dev', spec.bridgeName!], {
        encoding: 'utf8',
      }),
    ).toContain(`inet ${spec.gateway}/24`);
  });

  it('passes driver options: a bridge with inhibit_ipv4 gets no address', async () => {
    const spec = networkSpec({ options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' } });
    const id = await host.createNetwork(spec);
    const listed = (await host.listNetworks()).find((n) => n.id === id);
    expect(listed?.options).toMatchObject({ 'com.docker.network.bridge.inhibit_ipv4': 'true' });
    const addresses = execFileSync(
      ip[0]!,
      [...ip.slice(1), '-4', 'addr', 'show', 'dev', spec.bridgeName!],
      { encoding: 'utf8' },
    );
    expect(addresses).not.toContain('inet ');
  });

  it('connects a container with a pinned address and MAC, which inspect and list show', async () => {
    const spec = networkSpec();
    await host.createNetwork(spec);
    const mac = randomMac();
    const address = spec.gateway.replace(/\.254$/, '.17');
    // Engine API 1.41 sets the MAC of the network a container is created on: create it there.
    const id = await container(hostOn(spec.name), mac);
    await host.disconnectNetwork(spec.name, id);
    requests.length = 0;
    await host.connectNetwork(spec.name, id, { ipv4: address, macAddress: mac });
    expect(requests.filter((r) => r.write)).toEqual([
      { host: engine, method: 'network', write: true },
    ]);
    await host.startContainer(id);

    const info = await raw.getContainer(id).inspect();
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([spec.name]);
    expect(info.NetworkSettings.Networks[spec.name]).toMatchObject({
      IPAddress: address,
      MacAddress: mac,
      Gateway: spec.gateway,
      IPPrefixLen: 24,
    });
    const listed = (await host.listContainers()).find((c) => c.id === id);
    expect(listed?.networks).toEqual([{ name: spec.name, ipv4: address, macAddress: mac }]);
    expect(listed?.addresses).toEqual([address]);
    const inside = await host.exec(id, [
      'cat',
      '/sys/class/net/eth0/mtu',
      '/sys/class/net/eth0/address',
    ]);
    expect(inside.stdout).toBe(`1450\n${mac}\n`);
  });

  it('refuses a MAC the engine would not set, before changing anything', async () => {
    const home = networkSpec();
    await host.createNetwork(home);
    const spec = networkSpec();
    await host.createNetwork(spec);
    const id = await container(hostOn(home.name), randomMac());
    const refused = await failure(
      host.connectNetwork(spec.name, id, {
        ipv4: spec.gateway.replace(/\.254$/, '.18'),
        macAddress: randomMac(),
      }),
    );
    expect(refused.kind).toBe('engine');
    expect(refused.message).toContain(`Docker host ${engine}`);
    expect(refused.message).toContain('Engine API 1.41');
    const info = await raw.getContainer(id).inspect();
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([home.name]);
  });

  it('connects to a second network by address alone, and disconnects, again as done', async () => {
    const home = networkSpec();
    await host.createNetwork(home);
    const spec = networkSpec();
    await host.createNetwork(spec);
    const id = await container(hostOn(home.name));
    const address = spec.gateway.replace(/\.254$/, '.19');
    await host.connectNetwork(spec.name, id, { ipv4: address });
    await host.startContainer(id);
    const attached = (await host.listContainers()).find((c) => c.id === id);
    expect(attached?.networks?.map((n) => n.name).sort()).toEqual([home.name, spec.name].sort());
    expect(attached?.networks?.find((n) => n.name === spec.name)).toMatchObject({ ipv4: address });
    const again = await failure(host.connectNetwork(spec.name, id));
    expect(again.kind).toBe('conflict');

    await host.disconnectNetwork(spec.name, id);
    await host.disconnectNetwork(spec.name, id);
    await host.disconnectNetwork(spec.name, 'dsh-no-such-container');
    await host.disconnectNetwork(`${spec.name}-absent`, id);
    const detached = (await host.listContainers()).find((c) => c.id === id);
    expect(detached?.networks?.map((n) => n.name)).toEqual([home.name]);
  });

  it("passes on the engine's refusal to connect a container that has no network", async () => {
    const spec = networkSpec();
    await host.createNetwork(spec);
    const id = await container(hostOn('none'));
    const refused = await failure(host.connectNetwork(spec.name, id));
    expect(refused.kind).toBe('engine');
    expect(refused.message).toContain('private (none) mode');
  });

  it('reports a name in use as a conflict, and removes a network, an absent one as done', async () => {
    const spec = networkSpec();
    const id = await host.createNetwork(spec);
    const taken = await failure(host.createNetwork({ ...networkSpec(), name: spec.name }));
    expect(taken.kind).toBe('conflict');
    expect(taken.message).toContain(spec.name);

    await host.removeNetwork(spec.name);
    await host.removeNetwork(spec.name);
    await host.removeNetwork(id);
    expect((await host.listNetworks()).some((n) => n.id === id)).toBe(false);
  });

  it('refuses to remove a network a container is on, as a conflict', async () => {
    const spec = networkSpec();
    const id = await host.createNetwork(spec);
    const user = await container(hostOn(spec.name));
    await host.startContainer(user);
    const busy = await failure(host.removeNetwork(id));
    expect(busy.kind).toBe('conflict');
    expect(busy.message).toMatch(/active endpoints/);
    expect((await host.listNetworks()).some((n) => n.id === id)).toBe(true);
  });

  it('fails a network the engine cannot make with its own words', async () => {
    const bad = await failure(host.createNetwork(networkSpec({ subnet: '10.231.300.0/24' })));
    expect(bad.kind).toBe('engine');
    expect(bad.message).toContain('10.231.300.0/24');
  });
});
