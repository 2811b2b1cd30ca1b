import { readFileSync } from 'node:fs';

import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';

import type { ContainerSpec } from '../environment/container-spec.js';
import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import { tierOrder } from '../environment/tier-order.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { labelsFor } from '../plan/labels.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan.js';
import { addressEnvironment } from './address-environment.js';
import type { FoundSwitch, HostNetworkState } from './host-network-state.js';
import { networkLayout, type NetworkLayout } from './network-layout.js';
import { portName } from './ovs-scripts.js';
import { planNetwork, planWiring } from './plan-network.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

const H2 = '192.168.99.2';
const H3 = '192.168.99.3';
/** The seed's containers that run on H3 here; the others (the dns ones first) stay on H2. */
const ON_H3 = new Set(['col1', 'ctrl1', 'webui1']);

interface RawEnvironment {
  services: Record<string, Record<string, { host: string }>>;
  network?: { driver: 'bridge' | 'ovs' };
}

/** The seed on two hosts, with the `ovs` driver unless `driver` says otherwise. */
function environment(driver: 'bridge' | 'ovs' = 'ovs'): Environment {
  const raw = parse(seedText) as RawEnvironment;
  for (const containers of Object.values(raw.services)) {
    for (const [name, container] of Object.entries(containers)) {
      if (ON_H3.has(name)) container.host = H3;
    }
  }
  raw.network = { driver };
  const loaded = loadEnvironment(stringify(raw));
  if (!loaded.ok) throw new Error('the edited seed is valid');
  return loaded.env;
}

const env = environment();

function layoutOf(e: Environment): NetworkLayout {
  const layout = networkLayout(e);
  if (layout === undefined) throw new Error('the seed has a network');
  return layout;
}

const layout = layoutOf(env);
const specs = addressEnvironment(env, { now: 0 }).specs;
const order = tierOrder(env);

const namesOn = (host: string): string[] =>
  specs.filter((spec) => spec.host === host).map((spec) => spec.name);

const port = (container: string, ok = true) => ({
  port: portName(layout.environment, container),
  container,
  ok,
});

/** The host's switch as it should be: the bridge, its address, its containers' ports, the tunnel. */
function inPlace(host: string): FoundSwitch {
  const other = host === H2 ? H3 : H2;
  return {
    running: true,
    bridge: true,
    addresses: host === H2 ? ['10.0.0.100/16'] : [],
    ports: namesOn(host).map((name) => port(name)),
    tunnel: { present: true, vni: layout.vni, local: host, master: layout.bridge, peers: [other] },
  };
}

const stopped: FoundSwitch = {
  running: false,
  bridge: false,
  addresses: [],
  ports: [],
  tunnel: { present: false, peers: [] },
};

function states(h2: FoundSwitch | undefined, h3: FoundSwitch | undefined) {
  const state = (found: FoundSwitch | undefined): HostNetworkState =>
    found === undefined ? {} : { switch: found };
  return new Map([
    [H2, state(h2)],
    [H3, state(h3)],
  ]);
}

const plan = (
  found: ReadonlyMap<string, HostNetworkState>,
  down: ReadonlySet<string> = new Set(),
) => planNetwork(layout, found, down, namesOn);

describe('planNetwork with the ovs driver', () => {
  it('lays the network out over the two hosts, the gateway on the first dns host', () => {
    expect(layout).toMatchObject({
      driver: 'ovs',
      gateway: '10.0.0.100',
      gatewayHost: H2,
      hosts: [
        { name: H2, address: H2 },
        { name: H3, address: H3 },
      ],
    });
    expect(layout.bridge).toMatch(/^dso-[0-9a-f]{8}$/);
    expect(layout.vxlan).toMatch(/^dsw-[0-9a-f]{8}$/);
  });

  it('starts the switch with the bridge on each host, the gateway on one, and the tunnels', () => {
    const steps = plan(states(stopped, stopped));
    expect(steps).toEqual([
      {
        action: 'switch',
        host: H2,
        environment: 'default',
        name: layout.bridge,
        mtu: 1450,
        gateway: '10.0.0.100/16',
        stalePorts: [],
        reason: 'the switch container is not running',
      },
      {
        action: 'tunnel',
        host: H2,
        name: layout.vxlan,
        peers: [{ host: H3, address: H3 }],
        local: H2,
        vni: layout.vni,
        bridge: layout.bridge,
        mtu: 1450,
        driver: 'ovs',
        retire: layout.otherVxlan,
        reason: 'the network is new: its bridge has no tunnel yet',
      },
      {
        action: 'switch',
        host: H3,
        environment: 'default',
        name: layout.bridge,
        mtu: 1450,
        stalePorts: [],
        reason: 'the switch container is not running',
      },
      expect.objectContaining({
        action: 'tunnel',
        host: H3,
        peers: [{ host: H2, address: H2 }],
        local: H3,
        driver: 'ovs',
        reason: 'the network is new: its bridge has no tunnel yet',
      }),
    ]);
    expect('gateway' in (steps[2] ?? {})).toBe(false);
  });

  it('makes a missing bridge and its tunnel again on a running switch', () => {
    const missing = { ...inPlace(H3), bridge: false, ports: [] };
    expect(plan(states(inPlace(H2), missing))).toEqual([
      expect.objectContaining({ action: 'switch', host: H3, reason: 'the bridge is missing' }),
      expect.objectContaining({
        action: 'tunnel',
        host: H3,
        driver: 'ovs',
        reason: 'the network is new: its bridge has no tunnel yet',
      }),
    ]);
  });

  it('plans nothing when every switch is as it should be', () => {
    expect(plan(states(inPlace(H2), inPlace(H3)))).toEqual([]);
  });

  it('removes the port of a container no longer on the host', () => {
    const h3 = inPlace(H3);
    const leftover = port('gal1', false);
    h3.ports.push(leftover);
    expect(plan(states(inPlace(H2), h3))).toEqual([
      {
        action: 'switch',
        host: H3,
        environment: 'default',
        name: layout.bridge,
        mtu: 1450,
        stalePorts: [leftover.port],
        reason: `ports of containers gone: ${leftover.port}`,
      },
    ]);
  });

  it('keeps the port of a container that stopped: only its wiring is redone', () => {
    const h2 = inPlace(H2);
    h2.ports = h2.ports.map((p) => (p.container === 'gal1' ? { ...p, ok: false } : p));
    expect(plan(states(h2, inPlace(H3)))).toEqual([]);
  });

  it('leaves a switch that was not looked at, or on a host that did not answer, alone', () => {
    expect(plan(states(undefined, undefined))).toEqual([]);
    expect(plan(states(inPlace(H2), undefined))).toEqual([]);
    expect(plan(states(inPlace(H2), stopped), new Set([H3]))).toEqual([]);
  });

  it('puts the gateway back on the host that holds it', () => {
    const h2 = { ...inPlace(H2), addresses: [] };
    expect(plan(states(h2, inPlace(H3)))).toEqual([
      expect.objectContaining({
        action: 'switch',
        host: H2,
        gateway: '10.0.0.100/16',
        reason: 'the bridge lacks the gateway address 10.0.0.100/16',
      }),
    ]);
  });

  it('takes the gateway address off a host that does not hold it', () => {
    const h3 = { ...inPlace(H3), addresses: ['10.0.0.100/16'] };
    const steps = plan(states(inPlace(H2), h3));
    expect(steps).toEqual([
      expect.objectContaining({
        action: 'switch',
        host: H3,
        stalePorts: [],
        reason: `the bridge has 10.0.0.100/16, the gateway is on ${H2}`,
      }),
    ]);
    expect('gateway' in (steps[0] ?? {})).toBe(false);
  });

  it('repairs a tunnel that is not on the bridge, or lost its peer', () => {
    const h2 = inPlace(H2);
    const h3 = inPlace(H3);
    delete h2.tunnel.master;
    h3.tunnel.peers = [];
    expect(plan(states(h2, h3))).toEqual([
      expect.objectContaining({
        action: 'tunnel',
        host: H2,
        driver: 'ovs',
        reason: 'not a port of the bridge',
      }),
      expect.objectContaining({
        action: 'tunnel',
        host: H3,
        driver: 'ovs',
        reason: `no tunnel to ${H2}`,
      }),
    ]);
  });
});

/** The container dockstack would have created from `spec`, running as the spec says. */
function deployed(spec: ContainerSpec): ObservedContainer {
  return {
    host: spec.host,
    name: spec.name,
    id: `${spec.name}-0123456789abcdef`,
    running: spec.state === 'running',
    labels: labelsFor(spec),
    // A container of the bridge driver is on the Docker network at its address and MAC.
    ...(spec.network === undefined
      ? {}
      : {
          networks: [
            {
              name: spec.network,
              ipv4: spec.ipaddress?.replace(/\/\d+$/, '') ?? '',
              macAddress: spec.macAddress ?? '',
            },
          ],
        }),
  };
}

/** One line per step of the deploy tiers: `service: action name`. */
function outline(p: Plan): string[] {
  return p.tiers
    .filter((tier) => tier.phase === 'deploy')
    .flatMap((tier) =>
      tier.steps.map((step) => `${tier.service ?? '*'}: ${step.action} ${step.name}`),
    );
}

function wired(
  observed: readonly ObservedContainer[],
  found: ReadonlyMap<string, HostNetworkState>,
  desired: readonly ContainerSpec[] = specs,
): Plan {
  const p = planChanges(desired, observed, order);
  planWiring(p, desired, observed, found, order);
  return p;
}

const running = specs.map(deployed);

describe('planWiring', () => {
  it('gives the ovs specs their wiring: the bridge and a port of their own', () => {
    expect(specs.find((spec) => spec.name === 'dns1')).toMatchObject({
      wiring: { bridge: layout.bridge, port: portName('default', 'dns1'), mtu: 1450, dhcp: false },
    });
    expect(specs.find((spec) => spec.name === 'gal1')?.wiring?.dhcp).toBe(true);
  });

  it('wires every container it creates, in the tier of its create step', () => {
    const p = wired([], states(stopped, stopped));
    expect(outline(p).slice(0, 6)).toEqual([
      'dns: create dns1',
      'dns: attach dns1',
      'dns: create dns2',
      'dns: attach dns2',
      'puppet: create puppet1',
      'puppet: attach puppet1',
    ]);
    for (const tier of p.tiers) {
      const created = tier.steps.filter((s) => s.action === 'create').map((s) => s.name);
      const attached = tier.steps.filter((s) => s.action === 'attach').map((s) => s.name);
      expect(attached).toEqual(created);
    }
    const attach = p.tiers[0]?.steps[1];
    expect(attach).toEqual({
      action: 'attach',
      host: H2,
      name: 'dns1',
      service: 'dns',
      spec: specs.find((spec) => spec.name === 'dns1'),
      reason: 'it starts without a network: wired to the bridge',
    });
  });

  it('wires a container it starts, by its id', () => {
    const observed = running.map((c) => (c.name === 'gal1' ? { ...c, running: false } : c));
    const p = wired(observed, states(inPlace(H2), inPlace(H3)));
    expect(outline(p)).toEqual(['galera: start gal1', 'galera: attach gal1']);
    expect(p.tiers[0]?.steps[1]).toMatchObject({ id: 'gal1-0123456789abcdef' });
  });

  it('lists the wiring of a recreated container after the recreate step', () => {
    const observed = running.map((c) =>
      c.name === 'gal1' ? { ...c, labels: { ...c.labels, 'org.dockstack.spec-hash': 'old' } } : c,
    );
    const p = wired(observed, states(inPlace(H2), inPlace(H3)));
    expect(outline(p)).toEqual(['galera: recreate gal1', 'galera: attach gal1']);
    expect(p.tiers[0]?.steps[1]).not.toHaveProperty('id');
  });

  it('wires a running container again when its port is missing or lost its far end', () => {
    const h2 = inPlace(H2);
    h2.ports = h2.ports
      .filter((p) => p.container !== 'gal1')
      .map((p) => (p.container === 'ha1' ? { ...p, ok: false } : p));
    const p = wired(running, states(h2, inPlace(H3)));
    expect(outline(p)).toEqual(['haproxy: attach ha1', 'galera: attach gal1']);
    expect(p.tiers.flatMap((tier) => tier.steps)).toEqual([
      expect.objectContaining({
        host: H2,
        name: 'ha1',
        id: 'ha1-0123456789abcdef',
        reason: 'its port lost its far end (the container restarted): wired again',
      }),
      expect.objectContaining({
        host: H2,
        name: 'gal1',
        id: 'gal1-0123456789abcdef',
        reason: 'it has no port on the bridge',
      }),
    ]);
  });

  it('leaves a running container with its port alone', () => {
    expect(wired(running, states(inPlace(H2), inPlace(H3)))).toEqual({ hostSteps: [], tiers: [] });
  });

  it('leaves containers on a host whose switch was not looked at, or is not running', () => {
    const portless = { ...inPlace(H3), ports: [] };
    expect(outline(wired(running, states(undefined, portless)))).toEqual([
      'collector: attach col1',
      'control: attach ctrl1',
      'webui: attach webui1',
    ]);
    expect(outline(wired(running, states(stopped, undefined)))).toEqual([]);
  });

  it('leaves a container the environment wants stopped unwired', () => {
    const desired = specs.map((s) => (s.name === 'gal1' ? { ...s, state: 'stopped' as const } : s));
    const portless = { ...inPlace(H2), ports: [] };
    const p = wired(desired.map(deployed), states(portless, inPlace(H3)), desired);
    expect(outline(p)).toContain('dns: attach dns1');
    expect(outline(p).filter((line) => line.endsWith(' gal1'))).toEqual([]);
  });

  it('never wires the containers of a bridge-driver environment', () => {
    const bridgeSpecs = addressEnvironment(environment('bridge'), { now: 0 }).specs;
    expect(bridgeSpecs.every((spec) => spec.wiring === undefined)).toBe(true);
    const portless = states({ ...inPlace(H2), ports: [] }, { ...inPlace(H3), ports: [] });
    const created = wired([], portless, bridgeSpecs);
    expect(created).toEqual(planChanges(bridgeSpecs, [], order));
    expect(outline(created)).not.toContainEqual(expect.stringContaining('attach'));
    expect(wired(bridgeSpecs.map(deployed), portless, bridgeSpecs)).toEqual({
      hostSteps: [],
      tiers: [],
    });
  });
});
