import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import { Environment } from '../environment/schema.js';
import { tierOrder } from '../environment/tier-order.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { addressEnvironment } from '../network/address-environment.js';
import { freshAddresses } from '../network/fresh-addresses.js';
import { returningAddresses } from '../network/returning-addresses.js';
import { emptyObservation } from '../pass/observe-stage.js';
import { planStage } from '../pass/plan-stage.js';
import { systemClock } from '../util/clock.js';
import { formatPlan, NO_CHANGES } from './format-plan.js';
import { labelsFor } from '../plan/labels.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

interface RawContainer {
  host: string;
  state?: 'running' | 'stopped';
  tag?: string;
}

interface RawEnvironment {
  services: Record<string, Record<string, RawContainer>>;
}

function environment(edit: (raw: RawEnvironment) => void = () => undefined): Environment {
  const raw = parse(seedText) as RawEnvironment;
  edit(raw);
  return Environment.parse(raw);
}

function deployed(spec: ContainerSpec): ObservedContainer {
  return {
    host: spec.host,
    name: spec.name,
    id: `${spec.name}0123456789abcdef`,
    running: true,
    labels: labelsFor(spec),
  };
}

const seed = environment();
const seedDeployed = containerSpecs(seed).map(deployed);

function plan(env: Environment, observed: ObservedContainer[]): Plan {
  return planChanges(containerSpecs(env), observed, tierOrder(env));
}

/** Every kind of step: a removal, a move, a recreate, a start, a stop, a conflict and creates. */
function mixedPlan(): Plan {
  const env = environment((raw) => {
    delete raw.services.webui!.webui1;
    raw.services.cassandra!.cas1 = { host: '192.168.99.3' };
    raw.services.openstack!.os1 = { host: '192.168.99.2', tag: '2.1' };
    raw.services.galera!.gal1 = { host: '192.168.99.2', state: 'stopped' };
    raw.services.control!.ctrl2 = { host: '192.168.99.2', state: 'stopped' };
  });
  const observed = seedDeployed.map((c) => {
    if (c.name === 'dns2') return { ...c, running: false };
    if (c.name === 'puppet1') return { ...c, id: 'f00d0123456789ab', labels: {} };
    return c;
  });
  return plan(env, observed);
}

describe('formatPlan', () => {
  it('says so when there is nothing to do', () => {
    expect(formatPlan(plan(seed, seedDeployed))).toBe(`${NO_CHANGES}\n`);
    expect(NO_CHANGES).toBe('No changes. The hosts match the environment.');
  });

  it('lists the first deployment per tier and host, with image and addresses', () => {
    const text = formatPlan(plan(seed, []));
    expect(text).toContain(
      [
        'Deploy, tier by tier:',
        '',
        '  tier 1: dns',
        '    on 192.168.99.2',
        '      + dns1  dns:latest  ip 10.0.0.1/16  mac de:ad:be:ef:ba:11  # missing from the host',
        '      + dns2  dns:latest  ip 10.0.0.2/16  mac de:ad:be:ef:ba:12  # missing from the host',
        '',
        '  tier 2: puppet',
        '    on 192.168.99.2',
        '      + puppet1  puppet:latest  # missing from the host',
        '      + puppet2  puppet:latest  # missing from the host',
        '',
      ].join('\n'),
    );
    expect(text).toMatch(
      /\n {2}tier 10: webui\n {4}on 192\.168\.99\.2\n {6}\+ webui1 {2}webui:latest {2}# missing from the host\n\nPlan: 13 to create, 0 to recreate, 0 to start, 0 to stop, 0 to remove\.\n$/,
    );
  });

  it('shows every kind of step with its symbol, removals first', () => {
    expect(formatPlan(mixedPlan())).toBe(
      [
        'Remove, last tier first:',
        '',
        '  tier 10: webui',
        '    on 192.168.99.2',
        '      - webui1  id webui1012345  # no longer in the environment',
        '',
        '  tier 6: cassandra',
        '    on 192.168.99.2',
        '      - cas1  id cas101234567  # moves to 192.168.99.3',
        '',
        'Deploy, tier by tier:',
        '',
        '  tier 1: dns',
        '    on 192.168.99.2',
        '      ~ dns2  start  ip 10.0.0.2/16  mac de:ad:be:ef:ba:12  # stopped; the environment wants it running',
        '',
        '  tier 2: puppet',
        '    on 192.168.99.2',
        '      ! puppet1  blocked  # the name is held by a container dockstack does not manage (id f00d01234567), which it leaves alone: remove or rename that container, or rename puppet1 in the environment',
        '',
        '  tier 4: galera',
        '    on 192.168.99.2',
        '      ~ gal1  stop  # running; the environment wants it stopped',
        '',
        '  tier 5: openstack',
        '    on 192.168.99.2',
        `    -/+ os1  openstack:2.1  # ${planLine(mixedPlan(), 'os1')}`,
        '',
        '  tier 6: cassandra',
        '    on 192.168.99.3',
        '      + cas1  cassandra:latest  # moves here from 192.168.99.2',
        '',
        '  tier 9: control',
        '    on 192.168.99.2',
        '      + ctrl2  control:latest  not started  # missing from the host, and stays stopped',
        '',
        'Plan: 2 to create, 1 to recreate, 1 to start, 1 to stop, 2 to remove, 1 blocked.',
        '',
      ].join('\n'),
    );
  });

  it('names a duplicate by its Docker name', () => {
    const observed = [
      ...seedDeployed,
      { ...seedDeployed[0]!, name: 'dns1-old', id: 'dead0123456789ab' },
    ];
    expect(formatPlan(plan(seed, observed))).toContain(
      "      - dns1  id dead01234567  docker name dns1-old  # a duplicate copy under the Docker name 'dns1-old'\n",
    );
  });

  it('pads names to line up within a host', () => {
    const env = environment((raw) => {
      raw.services.haproxy!.ha10 = { host: '192.168.99.2' };
    });
    const observed = seedDeployed.filter((c) => c.name !== 'ha1');
    expect(formatPlan(plan(env, observed))).toContain(
      '      + ha1   haproxy:latest  # missing from the host\n      + ha10  haproxy:latest',
    );
  });

  it('has no escape codes by default', () => {
    const text = formatPlan(mixedPlan());
    expect(text).not.toContain('\u001b[');
    expect(formatPlan(mixedPlan(), { color: false })).toBe(text);
  });

  it('colours the symbols and the summary for a terminal', () => {
    const text = formatPlan(mixedPlan(), { color: true });
    expect(text).toContain('\u001b[31m  -\u001b[0m webui1');
    expect(text).toContain('\u001b[32m  +\u001b[0m cas1');
    expect(text).toContain('\u001b[35m-/+\u001b[0m os1');
    expect(text).toContain('\u001b[33m  ~\u001b[0m dns2');
    expect(text).toContain('\u001b[33m  ~\u001b[0m gal1');
    expect(text).toContain('\u001b[1;31m  !\u001b[0m puppet1');
    expect(text).toContain('\u001b[1mPlan: 2 to create');
    expect(stripVTControlCharacters(text)).toBe(formatPlan(mixedPlan()));
  });

  it('keeps the no-changes line plain even with colour', () => {
    expect(formatPlan({ hostSteps: [], tiers: [] }, { color: true })).toBe(`${NO_CHANGES}\n`);
  });
});

function planLine(p: Plan, name: string): string {
  const step = p.tiers.flatMap((tier) => tier.steps).find((s) => s.name === name);
  if (step === undefined) throw new Error(`no step for ${name}`);
  return step.reason;
}

describe('formatPlan with addresses', () => {
  it('marks the new addresses, and those a name kept since it left the file', () => {
    const addressed = addressEnvironment(seed, {
      record: {
        dhcpHosts: 'de:ad:00:00:00:01,ha1,10.0.0.40\n',
        leases: 'de:ad:00:00:00:02,gal1,10.0.0.41,2026-01-01T00:00:00Z\n',
      },
      now: 0,
    });
    const text = formatPlan(planChanges(addressed.specs, [], tierOrder(seed)), {
      color: false,
      fresh: freshAddresses(addressed.addresses),
      returning: returningAddresses(addressed.addresses),
    });
    expect(text).toMatch(
      /\+ ha1 +haproxy:latest {2}ip 10\.0\.0\.40\/16 {2}mac de:ad:00:00:00:01 {2}#/,
    );
    expect(text).toMatch(
      /\+ gal1 +galera:latest {2}ip 10\.0\.0\.41\/16 \(returning\) {2}mac de:ad:00:00:00:02 {2}#/,
    );
    expect(text).toMatch(/\+ webui1 +webui:latest {2}ip 10\.0\.0\.\d+\/16 \(new\) {2}mac /);
  });
});

describe('formatPlan with the ovs driver', () => {
  it('lists the switch and tunnel per host, and each container wired after its create', () => {
    const raw = parse(seedText) as RawEnvironment & Record<string, unknown>;
    raw.network = { driver: 'ovs' };
    raw.services.webui!.webui1 = { host: '192.168.99.3' };
    const env = Environment.parse(raw);
    const addressed = addressEnvironment(env, { now: 0 });
    const layout = addressed.layout!;
    const planned = planStage(env, addressed, {
      ...emptyObservation(systemClock),
      hosts: ['192.168.99.2', '192.168.99.3'],
      networks: new Map(
        ['192.168.99.2', '192.168.99.3'].map((host) => [
          host,
          {
            switch: {
              running: false,
              bridge: false,
              addresses: [],
              ports: [],
              tunnel: { present: false, peers: [] },
            },
          },
        ]),
      ),
    });
    const text = formatPlan(planned.plan);
    expect(text).toContain(
      [
        'Hosts:',
        '',
        '    on 192.168.99.2',
        `      + switch ${layout.bridge}  Open vSwitch bridge, mtu 1450, gateway 10.0.0.100/16  # the switch container is not running`,
        `      + tunnel ${layout.vxlan}  to 192.168.99.3, vni ${String(layout.vni)} from 192.168.99.2  # the network is new: its bridge has no tunnel yet`,
      ].join('\n'),
    );
    expect(text).toMatch(
      /\+ dns1 {2}dns:latest {2}ip 10\.0\.0\.1\/16 {2}mac de:ad:be:ef:ba:11 {2}# missing from the host\n {6}~ dns1 {2}attach {2}ip 10\.0\.0\.1\/16 {2}mac de:ad:be:ef:ba:11 {2}# it starts without a network: wired to the bridge\n/,
    );
    expect(text).toMatch(
      /\n {4}on 192\.168\.99\.3\n {6}\+ webui1 .*\n {6}~ webui1 {2}attach {2}ip /,
    );
    expect(text).toMatch(/, 2 switches to set up, 2 tunnels to make, 13 to attach\.\n$/);
  });
});
