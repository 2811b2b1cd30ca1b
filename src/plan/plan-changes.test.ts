import { readFileSync } from 'node:fs';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import { Environment } from '../environment/schema.js';
import { DEFAULT_ORDER, tierOrder } from '../environment/tier-order.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { labelsFor } from './labels.js';
import { planChanges } from './plan-changes.js';
import { isEmpty, planSteps, type Plan, type Step } from './plan.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

const H2 = '192.168.99.2';
const H3 = '192.168.99.3';

interface RawContainer {
  host: string;
  state?: 'running' | 'stopped';
  tag?: string;
  ipaddress?: string;
}

interface RawEnvironment {
  services: Record<string, Record<string, RawContainer>>;
  order?: string[];
}

/** The seed environment, edited before validation. */
function environment(edit: (raw: RawEnvironment) => void = () => undefined): Environment {
  const raw = parse(seedText) as RawEnvironment;
  edit(raw);
  return Environment.parse(raw);
}

function containerOf(raw: RawEnvironment, service: string, name: string): RawContainer {
  const found = raw.services[service]?.[name];
  if (found === undefined) throw new Error(`no ${service}/${name} in the seed`);
  return found;
}

/** The container dockstack would have created from `spec`, running as the spec says. */
function deployed(spec: ContainerSpec): ObservedContainer {
  return {
    host: spec.host,
    name: spec.name,
    id: `${spec.name}-0123456789abcdef`,
    running: spec.state === 'running',
    labels: labelsFor(spec),
  };
}

function foreign(host: string, name: string): ObservedContainer {
  return { host, name, id: `${name}-foreign`, running: true, labels: { maintainer: 'ops' } };
}

const seed = environment();
const seedSpecs = containerSpecs(seed);
const seedDeployed = seedSpecs.map(deployed);

function specOf(env: Environment, name: string): ContainerSpec {
  const found = containerSpecs(env).find((spec) => spec.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

function observedWith(
  edit: (containers: Map<string, ObservedContainer>) => void,
): ObservedContainer[] {
  const byName = new Map(seedDeployed.map((c) => [c.name, { ...c, labels: { ...c.labels } }]));
  edit(byName);
  return [...byName.values()];
}

function plan(env: Environment, observed: ObservedContainer[]): Plan {
  return planChanges(containerSpecs(env), observed, tierOrder(env));
}

/** One line per step: `phase service: action name@host`. */
function outline(p: Plan): string[] {
  return p.tiers.flatMap((tier) =>
    tier.steps.map(
      (step) => `${tier.phase} ${tier.service ?? '*'}: ${step.action} ${step.name}@${step.host}`,
    ),
  );
}

function only(p: Plan): Step {
  const steps = planSteps(p);
  expect(steps).toHaveLength(1);
  return steps[0]!;
}

describe('planChanges', () => {
  describe('the first deployment of the seed environment', () => {
    const first = plan(seed, []);

    it('creates and starts all 13 containers, tier by tier in the seed order', () => {
      expect(first.tiers.map((tier) => tier.service)).toEqual(DEFAULT_ORDER);
      expect(first.tiers.map((tier) => tier.tier)).toEqual(DEFAULT_ORDER.map((_, i) => i));
      expect(outline(first)).toEqual([
        `deploy dns: create dns1@${H2}`,
        `deploy dns: create dns2@${H2}`,
        `deploy puppet: create puppet1@${H2}`,
        `deploy puppet: create puppet2@${H2}`,
        `deploy haproxy: create ha1@${H2}`,
        `deploy haproxy: create ha2@${H2}`,
        `deploy galera: create gal1@${H2}`,
        `deploy openstack: create os1@${H2}`,
        `deploy cassandra: create cas1@${H2}`,
        `deploy config: create conf1@${H2}`,
        `deploy collector: create col1@${H2}`,
        `deploy control: create ctrl1@${H2}`,
        `deploy webui: create webui1@${H2}`,
      ]);
    });

    it('carries each spec and starts every container', () => {
      const steps = planSteps(first);
      expect(steps.map((step) => (step.action === 'create' ? step.spec : undefined))).toEqual(
        seedSpecs,
      );
      expect(steps.every((step) => step.action === 'create' && step.start)).toBe(true);
      expect(steps[0]).toEqual({
        action: 'create',
        host: H2,
        name: 'dns1',
        service: 'dns',
        spec: specOf(seed, 'dns1'),
        start: true,
        reason: 'missing from the host',
      });
    });

    it('is a plain value that survives JSON', () => {
      expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    });
  });

  it('is empty when the hosts already match the environment', () => {
    const again = plan(seed, seedDeployed);
    expect(again).toEqual({ hostSteps: [], tiers: [] });
    expect(isEmpty(again)).toBe(true);
  });

  it.each<{
    name: string;
    env?: (raw: RawEnvironment) => void;
    observed?: (containers: Map<string, ObservedContainer>) => void;
    expected: string[];
  }>([
    {
      name: 'adding webui2 creates it alone',
      env: (raw) => {
        raw.services.webui!.webui2 = { host: H2 };
      },
      expected: [`deploy webui: create webui2@${H2}`],
    },
    {
      name: 'dropping ha2 from the file removes it',
      env: (raw) => {
        delete raw.services.haproxy!.ha2;
      },
      expected: [`remove haproxy: remove ha2@${H2}`],
    },
    {
      name: 'state: stopped stops a running container',
      env: (raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'stopped';
      },
      expected: [`deploy galera: stop gal1@${H2}`],
    },
    {
      name: 'a stopped container the environment wants running is started',
      observed: (c) => {
        c.get('gal1')!.running = false;
      },
      expected: [`deploy galera: start gal1@${H2}`],
    },
    {
      name: 'a stopped container the environment wants stopped is left alone',
      env: (raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'stopped';
      },
      observed: (c) => {
        c.get('gal1')!.running = false;
      },
      expected: [],
    },
    {
      name: 'a new image tag recreates the container',
      env: (raw) => {
        containerOf(raw, 'openstack', 'os1').tag = '2.1';
      },
      expected: [`deploy openstack: recreate os1@${H2}`],
    },
    {
      name: 'a new address recreates the container',
      env: (raw) => {
        containerOf(raw, 'dns', 'dns2').ipaddress = '10.0.0.3/16';
      },
      expected: [`deploy dns: recreate dns2@${H2}`],
    },
    {
      name: 'a managed container without a spec-hash label is recreated',
      observed: (c) => {
        delete c.get('ctrl1')!.labels['org.dockstack.spec-hash'];
      },
      expected: [`deploy control: recreate ctrl1@${H2}`],
    },
    {
      name: 'a host move removes on the old host, then creates on the new',
      env: (raw) => {
        containerOf(raw, 'cassandra', 'cas1').host = H3;
      },
      expected: [`remove cassandra: remove cas1@${H2}`, `deploy cassandra: create cas1@${H3}`],
    },
    {
      name: 'a move already half done only removes the copy left on the old host',
      env: (raw) => {
        containerOf(raw, 'cassandra', 'cas1').host = H3;
      },
      observed: (c) => {
        c.set('cas1@h3', { ...c.get('cas1')!, host: H3, id: 'cas1-new' });
      },
      expected: [`remove cassandra: remove cas1@${H2}`],
    },
    {
      name: 'a foreign container holding a name is a conflict, and nothing else is touched',
      observed: (c) => {
        c.set('webui1', foreign(H2, 'webui1'));
      },
      expected: [`deploy webui: conflict webui1@${H2}`],
    },
    {
      name: 'a foreign container holding the name on another host is no conflict',
      observed: (c) => {
        c.set('webui1@h3', foreign(H3, 'webui1'));
      },
      expected: [],
    },
    {
      name: 'unmanaged containers with names outside the environment are ignored',
      observed: (c) => {
        c.set('portainer', foreign(H2, 'portainer'));
        c.set('lookalike', {
          ...foreign(H3, 'dns9'),
          labels: { 'org.dockstack.managed': 'false', 'org.dockstack.container': 'dns9' },
        });
      },
      expected: [],
    },
    {
      name: 'a duplicate left by a crash is removed, the well-named copy kept',
      observed: (c) => {
        c.set('dns1-old', { ...c.get('dns1')!, name: 'dns1-old', id: 'dns1-old', running: false });
      },
      expected: [`remove dns: remove dns1@${H2}`],
    },
    {
      name: 'duplicates with neither named right are all removed and the container created',
      observed: (c) => {
        const dns1 = c.get('dns1')!;
        c.delete('dns1');
        c.set('dns1-a', { ...dns1, name: 'dns1-a', id: 'a' });
        c.set('dns1-b', { ...dns1, name: 'dns1-b', id: 'b' });
      },
      expected: [
        `remove dns: remove dns1@${H2}`,
        `remove dns: remove dns1@${H2}`,
        `deploy dns: create dns1@${H2}`,
      ],
    },
    {
      name: 'a managed container holding another container’s name is removed before it is created',
      observed: (c) => {
        c.set('dns1', { ...c.get('dns2')!, name: 'dns1', id: 'dns2-misnamed' });
      },
      expected: [`remove dns: remove dns2@${H2}`, `deploy dns: create dns1@${H2}`],
    },
    {
      name: 'removals run in reverse tier order, services outside the order first',
      env: (raw) => {
        delete raw.services.dns!.dns2;
        delete raw.services.galera!.gal1;
        delete raw.services.webui!.webui1;
      },
      observed: (c) => {
        c.set('legacy1', {
          ...foreign(H3, 'legacy1'),
          labels: { 'org.dockstack.managed': 'true', 'org.dockstack.service': 'legacy' },
        });
        c.set('nolabel1', {
          ...foreign(H2, 'nolabel1'),
          labels: { 'org.dockstack.managed': 'true' },
        });
      },
      expected: [
        `remove *: remove nolabel1@${H2}`,
        `remove *: remove legacy1@${H3}`,
        `remove webui: remove webui1@${H2}`,
        `remove galera: remove gal1@${H2}`,
        `remove dns: remove dns2@${H2}`,
      ],
    },
    {
      name: 'removals come before every deploy step',
      env: (raw) => {
        delete raw.services.webui!.webui1;
        containerOf(raw, 'dns', 'dns1').tag = '2.1';
        raw.services.puppet!.puppet3 = { host: H3 };
      },
      expected: [
        `remove webui: remove webui1@${H2}`,
        `deploy dns: recreate dns1@${H2}`,
        `deploy puppet: create puppet3@${H3}`,
      ],
    },
    {
      name: 'within a tier, steps sort by host, then name',
      env: (raw) => {
        raw.services.haproxy = {
          ha3: { host: H3 },
          ha1: { host: H3 },
          ha2: { host: H2 },
          ha10: { host: H2 },
        };
      },
      observed: (c) => {
        c.delete('ha1');
        c.delete('ha2');
      },
      expected: [
        `deploy haproxy: create ha10@${H2}`,
        `deploy haproxy: create ha2@${H2}`,
        `deploy haproxy: create ha1@${H3}`,
        `deploy haproxy: create ha3@${H3}`,
      ],
    },
  ])('$name', ({ env, observed, expected }) => {
    const result = plan(
      environment(env),
      observed === undefined ? seedDeployed : observedWith(observed),
    );
    expect(outline(result)).toEqual(expected);
    expect(isEmpty(result)).toBe(expected.length === 0);
  });

  describe('steps carry what the apply engine and a reader need', () => {
    it('start and stop name the existing container and carry the spec', () => {
      const stopped = environment((raw) => {
        containerOf(raw, 'galera', 'gal1').state = 'stopped';
      });
      expect(only(plan(stopped, seedDeployed))).toEqual({
        action: 'stop',
        host: H2,
        name: 'gal1',
        service: 'galera',
        spec: specOf(stopped, 'gal1'),
        id: 'gal1-0123456789abcdef',
        reason: 'running; the environment wants it stopped',
      });
      const observed = observedWith((c) => {
        c.get('gal1')!.running = false;
      });
      expect(only(plan(seed, observed))).toMatchObject({
        action: 'start',
        id: 'gal1-0123456789abcdef',
        spec: specOf(seed, 'gal1'),
        reason: 'stopped; the environment wants it running',
      });
    });

    it('a recreate names the old container and carries the new spec and hashes', () => {
      const tagged = environment((raw) => {
        containerOf(raw, 'openstack', 'os1').tag = '2.1';
      });
      const step = only(plan(tagged, seedDeployed));
      expect(step).toMatchObject({
        action: 'recreate',
        id: 'os1-0123456789abcdef',
        start: true,
        spec: { image: 'openstack:2.1' },
      });
      expect(step.reason).toMatch(/^spec changed \(hash [0-9a-f]{16} -> [0-9a-f]{16}\)$/);
    });

    it('a recreate of a container that should stay stopped does not start it', () => {
      const env = environment((raw) => {
        const os1 = containerOf(raw, 'openstack', 'os1');
        os1.tag = '2.1';
        os1.state = 'stopped';
      });
      expect(only(plan(env, seedDeployed))).toMatchObject({ action: 'recreate', start: false });
    });

    it('a container the environment wants stopped is created without starting', () => {
      const env = environment((raw) => {
        raw.services.webui!.webui2 = { host: H2, state: 'stopped' };
      });
      expect(only(plan(env, seedDeployed))).toMatchObject({
        action: 'create',
        name: 'webui2',
        start: false,
        reason: 'missing from the host, and stays stopped',
      });
    });

    it('a host move links the removal and the creation', () => {
      const moved = environment((raw) => {
        containerOf(raw, 'cassandra', 'cas1').host = H3;
      });
      const [removal, creation] = planSteps(plan(moved, seedDeployed));
      expect(removal).toEqual({
        action: 'remove',
        host: H2,
        name: 'cas1',
        service: 'cassandra',
        id: 'cas1-0123456789abcdef',
        running: true,
        movedTo: H3,
        reason: `moves to ${H3}`,
      });
      expect(creation).toEqual({
        action: 'create',
        host: H3,
        name: 'cas1',
        service: 'cassandra',
        spec: specOf(moved, 'cas1'),
        start: true,
        movedFrom: H2,
        reason: `moves here from ${H2}`,
      });
    });

    it('a conflict names the foreign container and says it is left alone', () => {
      const observed = observedWith((c) => {
        c.set('webui1', foreign(H2, 'webui1'));
      });
      const step = only(plan(seed, observed));
      expect(step).toMatchObject({
        action: 'conflict',
        host: H2,
        name: 'webui1',
        service: 'webui',
        id: 'webui1-foreign',
        spec: specOf(seed, 'webui1'),
      });
      expect(step.reason).toBe(
        'the name is held by a container dockstack does not manage (id webui1-forei), which it ' +
          'leaves alone: remove or rename that container, or rename webui1 in the environment',
      );
    });

    it('a removed duplicate keeps its Docker name and says why', () => {
      const observed = observedWith((c) => {
        c.set('dns1-old', { ...c.get('dns1')!, name: 'dns1-old', id: 'dns1-old', running: false });
      });
      expect(only(plan(seed, observed))).toEqual({
        action: 'remove',
        host: H2,
        name: 'dns1',
        service: 'dns',
        id: 'dns1-old',
        running: false,
        dockerName: 'dns1-old',
        reason: "a duplicate copy under the Docker name 'dns1-old'",
      });
    });

    it('a removal of a container gone from the file says so', () => {
      const env = environment((raw) => {
        delete raw.services.haproxy!.ha2;
      });
      expect(only(plan(env, seedDeployed))).toMatchObject({
        action: 'remove',
        id: 'ha2-0123456789abcdef',
        reason: 'no longer in the environment',
      });
    });
  });

  describe('a custom order', () => {
    it('orders the deploy tiers and reverses the removal tiers', () => {
      const order = ['webui', 'control', 'dns', 'puppet', 'haproxy', 'galera', 'openstack'];
      const observed = observedWith((c) => {
        c.delete('webui1');
        c.delete('dns1');
        c.set('gone1', deployed({ ...specOf(seed, 'ctrl1'), name: 'gone1', hostname: 'gone1' }));
        c.set('gone2', deployed({ ...specOf(seed, 'os1'), name: 'gone2', hostname: 'gone2' }));
      });
      const result = planChanges(seedSpecs, observed, order);
      expect(outline(result)).toEqual([
        `remove openstack: remove gone2@${H2}`,
        `remove control: remove gone1@${H2}`,
        `deploy webui: create webui1@${H2}`,
        `deploy dns: create dns1@${H2}`,
      ]);
      expect(result.tiers.map((tier) => tier.tier)).toEqual([6, 1, 0, 2]);
    });

    it('puts desired services outside the order in a last tier', () => {
      const result = planChanges(seedSpecs, [], ['webui', 'dns']);
      expect(result.tiers.map((tier) => [tier.phase, tier.tier, tier.service])).toEqual([
        ['deploy', 0, 'webui'],
        ['deploy', 1, 'dns'],
        ['deploy', null, null],
      ]);
      expect(result.tiers[2]!.steps.map((step) => step.name)).toEqual([
        'cas1',
        'col1',
        'conf1',
        'ctrl1',
        'gal1',
        'ha1',
        'ha2',
        'os1',
        'puppet1',
        'puppet2',
      ]);
    });

    it('follows the environment’s own order: key', () => {
      const env = environment((raw) => {
        raw.order = [...DEFAULT_ORDER].reverse();
      });
      expect(plan(env, []).tiers.map((tier) => tier.service)).toEqual([...DEFAULT_ORDER].reverse());
    });
  });

  it('refuses a desired list naming a container twice', () => {
    const dns1 = specOf(seed, 'dns1');
    expect(() => planChanges([dns1, { ...dns1, host: H3 }], [], DEFAULT_ORDER)).toThrow(
      "container 'dns1' is desired twice",
    );
  });

  it('does not depend on the order of the observed list', () => {
    const observed = observedWith((c) => {
      c.set('dns1-old', { ...c.get('dns1')!, name: 'dns1-old', id: 'dns1-old' });
      c.get('gal1')!.running = false;
      c.delete('ha1');
    });
    expect(plan(seed, [...observed].reverse())).toEqual(plan(seed, observed));
  });
});
