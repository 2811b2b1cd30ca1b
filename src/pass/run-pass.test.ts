import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import type { Reconciliation } from '../apply/reconciliation.js';
import { Environment } from '../environment/schema.js';
import { DEFAULT_ORDER } from '../environment/tier-order.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { leaseTime } from '../render/render-leases.js';
import { loadRenderer, RENDERED_PATHS } from '../render/renderer.js';
import type { RecordFiles } from '../network/address-record.js';
import { HELPER_IMAGE } from '../network/helper-image.js';
import type { Recorder } from './record-stage.js';
import { runPass, type PassDeps } from './run-pass.js';
import type { Source } from './source.js';

const seedText = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

function seed(edit: (env: Environment) => void = () => undefined): Environment {
  const env = Environment.parse(parse(seedText));
  edit(env);
  return env;
}

const renderer = loadRenderer();

function setup(names: string[] = ['192.168.99.2']) {
  const log: string[] = [];
  const hosts = new Map(names.map((n) => [n, new FakeDockerHost(n, log)]));
  for (const host of hosts.values())
    for (const image of [...DEFAULT_ORDER.map((s) => `${s}:latest`), HELPER_IMAGE])
      host.images.add(image);
  const options: PassDeps = {
    connect: () => hosts,
    renderer,
    clock: new FakeClock(),
    apply: { pollMs: 100, readyTimeoutMs: 5_000 },
  };
  return { log, hosts, options, host: (n: string) => hosts.get(n) as FakeDockerHost };
}

/** The environment as the text of a file, as the load stage reads it. */
function source(env: Environment): Source {
  return { read: () => Promise.resolve({ file: 'environment.yaml', bytes: stringify(env) }) };
}

/** A pass up to the apply stage; what it planned and did. */
async function reconcile(env: Environment, deps: PassDeps): Promise<Reconciliation> {
  const pass = await runPass({ goal: 'apply', source: source(env) }, deps);
  if (pass.stage !== 'apply') throw new Error(`the pass stopped at ${pass.stage}`);
  return pass.reconciliation;
}

const seedTiers = [
  ['dns1', 'dns2'],
  ['puppet1', 'puppet2'],
  ['ha1', 'ha2'],
  ['gal1'],
  ['os1'],
  ['cas1'],
  ['conf1'],
  ['col1'],
  ['ctrl1'],
  ['webui1'],
];

describe('a pass up to apply, on fake hosts', () => {
  it('deploys the seed environment tier by tier, each tier after the one before is up', async () => {
    const { log, options } = setup();
    const { result } = await reconcile(seed(), options);
    expect(result.converged).toBe(true);
    // The seed names static addresses: its network first, then the 13 containers.
    expect(result.steps.map((s) => s.action).slice(0, 2)).toEqual(['network', 'create']);
    expect(result.steps).toHaveLength(14);

    const starts = log.filter((l) => l.includes(' start ')).map((l) => l.split(' ').at(-1));
    expect(starts).toEqual(seedTiers.flat());
    for (let t = 1; t < seedTiers.length; t++) {
      const firstStart = Math.min(
        ...(seedTiers[t] ?? []).map((n) => log.indexOf(`192.168.99.2 start ${n}`)),
      );
      for (const before of seedTiers[t - 1] ?? []) {
        expect(log.indexOf(`192.168.99.2 status ${before}`)).toBeLessThan(firstStart);
      }
    }
    // Containers are created at most one tier ahead: tier t's creates come after tier t-2 started.
    const at = (what: string) => log.indexOf(`192.168.99.2 ${what}`);
    for (let t = 0; t < seedTiers.length; t++) {
      for (const name of seedTiers[t] ?? []) {
        expect(at(`create ${name}`)).toBeLessThan(at(`start ${name}`));
        if (t >= 2)
          expect(at(`create ${name}`)).toBeGreaterThan(at(`start ${seedTiers[t - 2]?.[0] ?? ''}`));
      }
    }
  });

  it('labels what it creates and changes nothing when applied again', async () => {
    const { host, options } = setup();
    await reconcile(seed(), options);
    const dns1 = [...host('192.168.99.2').containers.values()].find((c) => c.name === 'dns1');
    expect(dns1?.labels).toMatchObject({
      [LABELS.managed]: 'true',
      [LABELS.service]: 'dns',
      [LABELS.container]: 'dns1',
    });

    host('192.168.99.2').calls.length = 0;
    const again = await reconcile(seed(), options);
    expect(again.result.steps).toEqual([]);
    expect(again.result.converged).toBe(true);
    expect(host('192.168.99.2').writes()).toEqual([]);
    expect(host('192.168.99.2').calls).toEqual(['list', 'networks']);
  });

  it('fails the containers of a dead host and converges the others', async () => {
    const { host, options } = setup(['192.168.99.2', '192.168.99.3']);
    const env = seed((e) => {
      (e.services.webui ?? {}).webui2 = { host: '192.168.99.3' };
      (e.services.galera ?? {}).gal2 = { host: '192.168.99.3' };
    });
    host('192.168.99.3').down = true;
    const { result, unreachable } = await reconcile(env, options);
    expect(result.converged).toBe(false);
    expect(unreachable).toEqual([
      {
        host: '192.168.99.3',
        error: 'Docker host 192.168.99.3 did not answer',
        containers: ['gal2', 'webui2'],
      },
    ]);
    expect(result.steps.every((s) => s.outcome === 'done' && s.host === '192.168.99.2')).toBe(true);
    // The network and its tunnel to the dead host, then the 13 containers.
    expect(result.steps.slice(0, 2).map((s) => s.action)).toEqual(['network', 'tunnel']);
    expect(result.steps).toHaveLength(15);
  });

  it('pulls a missing image once and fails only the containers whose image cannot be had', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    h.images.delete('haproxy:latest');
    h.registry.add('haproxy:latest');
    h.images.delete('webui:latest');
    const { result } = await reconcile(seed(), options);
    expect(h.calls.filter((c) => c.startsWith('pull'))).toEqual([
      'pull haproxy:latest',
      'pull webui:latest',
    ]);
    const failed = result.steps.filter((s) => s.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        name: 'webui1',
        action: 'create',
        error: 'image webui:latest not found in the registry',
      }),
    ]);
    expect(result.steps.filter((s) => s.outcome === 'done')).toHaveLength(13);
  });

  it('never touches a container it does not own that holds a name', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    const foreign = h.add({ name: 'webui1', image: 'nginx:latest', running: true, labels: {} });
    const { result } = await reconcile(seed(), options);
    const step = result.steps.find((s) => s.name === 'webui1');
    expect(step).toMatchObject({ action: 'conflict', outcome: 'failed' });
    expect(step?.error).toContain('does not manage');
    expect(h.containers.get(foreign)).toMatchObject({ image: 'nginx:latest', running: true });
    expect(h.writes().filter((c) => c.endsWith('webui1'))).toEqual([]);
  });

  it('recreates on an image change, pulling before the old container is removed', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    await reconcile(seed(), options);
    h.calls.length = 0;
    h.registry.add('webui:2');
    const { result } = await reconcile(
      seed((e) => ((e.services.webui ?? {}).webui1 = { host: '192.168.99.2', tag: '2' })),
      options,
    );
    expect(result.steps).toEqual([
      expect.objectContaining({ action: 'recreate', name: 'webui1', outcome: 'done' }),
    ]);
    expect(h.writes()).toEqual([
      'pull webui:2',
      'stop webui1',
      'rename webui1 webui1.aside',
      'create webui1',
      'start webui1',
      'remove webui1.aside',
    ]);
  });

  it('keeps the old container when the new image cannot be had', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    await reconcile(seed(), options);
    const { result } = await reconcile(
      seed((e) => ((e.services.webui ?? {}).webui1 = { host: '192.168.99.2', tag: '3' })),
      options,
    );
    expect(result.steps).toEqual([
      expect.objectContaining({ action: 'recreate', outcome: 'failed' }),
    ]);
    expect([...h.containers.values()].find((c) => c.name === 'webui1')).toMatchObject({
      image: 'webui:latest',
      running: true,
    });
  });

  it('stops and starts containers as state: asks', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    await reconcile(seed(), options);
    h.calls.length = 0;
    const stopped = seed(
      (e) => ((e.services.webui ?? {}).webui1 = { host: '192.168.99.2', state: 'stopped' }),
    );
    await reconcile(stopped, options);
    expect(h.writes()).toEqual(['stop webui1']);
    h.calls.length = 0;
    await reconcile(seed(), options);
    expect(h.writes()).toEqual(['start webui1']);
  });

  it('removes containers in reverse tier order', async () => {
    const { host, options } = setup();
    const h = host('192.168.99.2');
    await reconcile(seed(), options);
    h.calls.length = 0;
    const { result } = await reconcile(
      seed((e) => {
        delete e.services.webui;
        delete (e.services.dns ?? {}).dns2;
        delete (e.services.galera ?? {}).gal1;
      }),
      options,
    );
    expect(result.converged).toBe(true);
    expect(h.writes()).toEqual([
      'stop webui1',
      'remove webui1',
      'stop gal1',
      'remove gal1',
      'stop dns2',
      'remove dns2',
    ]);
  });

  it('waits for a health check to pass before starting the next tier', async () => {
    const { host, log, options } = setup();
    host('192.168.99.2').healthOf.set('dns:latest', ['starting', 'starting', 'healthy']);
    const { result } = await reconcile(seed(), options);
    expect(result.converged).toBe(true);
    const healthy = log.lastIndexOf('192.168.99.2 status dns2');
    expect(log.filter((l) => l === '192.168.99.2 status dns1')).toHaveLength(3);
    expect(log.indexOf('192.168.99.2 start puppet1')).toBeGreaterThan(healthy);
  });

  it('fails an unhealthy container and goes on with the next tiers', async () => {
    const { host, options } = setup();
    host('192.168.99.2').healthOf.set('galera:latest', ['starting', 'unhealthy']);
    const { result } = await reconcile(seed(), options);
    expect(result.converged).toBe(false);
    expect(result.steps.filter((s) => s.outcome === 'failed')).toEqual([
      expect.objectContaining({ name: 'gal1', error: 'its health check failed' }),
    ]);
    expect(result.steps.find((s) => s.name === 'webui1')?.outcome).toBe('done');
  });

  it('gives up on a container that is not healthy by the deadline', async () => {
    const { host, options } = setup();
    host('192.168.99.2').healthOf.set('webui:latest', ['starting']);
    const { result } = await reconcile(seed(), options);
    expect(result.steps.find((s) => s.name === 'webui1')).toMatchObject({
      outcome: 'failed',
      error: 'not healthy 5 s after it started',
    });
  });
});

describe('the address record a pass writes', () => {
  it("keeps a removed container's address as a lease, stamped with the pass's clock", async () => {
    const { options } = setup();
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 12));
    const deps = { ...options, clock };
    let written: Record<string, string> = {};
    const recorder: Recorder = {
      record: ({ files }) => {
        written = files;
        return Promise.resolve(undefined);
      },
    };
    const pass = async (env: Environment, record?: RecordFiles) => {
      const read = () =>
        Promise.resolve({
          file: 'environment.yaml',
          bytes: stringify(env),
          ...(record === undefined ? {} : { record }),
        });
      await runPass({ goal: 'apply', source: { read }, recorder }, deps);
      return written;
    };
    const first = await pass(seed());
    expect(first[RENDERED_PATHS.leases]).toBeUndefined();
    const gal1 = /^([0-9a-f:]+),gal1,([0-9.]+)$/m.exec(first[RENDERED_PATHS.dhcpHosts] ?? '');
    expect(gal1).not.toBeNull();

    clock.advance(90_000);
    const left = leaseTime(clock.wallTime());
    const second = await pass(
      seed((env) => delete env.services.galera?.gal1),
      { dhcpHosts: first[RENDERED_PATHS.dhcpHosts] ?? '' },
    );
    expect(left).toBe('2026-06-01T12:01:30Z');
    expect(second[RENDERED_PATHS.leases]).toContain(
      `\n${gal1?.[1] ?? ''},gal1,${gal1?.[2] ?? ''},${left}\n`,
    );
    expect(second[RENDERED_PATHS.dhcpHosts]).not.toContain(',gal1,');
    expect(second[RENDERED_PATHS.addnHosts]).not.toContain('gal1');
  });
});

describe('a pass up to plan, on fake hosts', () => {
  it('observes with one list call per host, asks what the creates mount, and changes nothing', async () => {
    const { hosts, options } = setup(['192.168.99.2']);
    const pass = await runPass({ goal: 'plan', source: source(seed()) }, options);
    expect(pass.stage).toBe('plan');
    if (pass.stage !== 'plan') return;
    expect(pass.planned.plan.tiers.flatMap((t) => t.steps)).toHaveLength(13);
    const calls = hosts.get('192.168.99.2')?.calls ?? [];
    expect(calls.slice(0, 3)).toEqual(['list', 'networks', 'volumes']);
    // The images to create containers of, each asked once for the data folders it declares.
    expect(calls.slice(3)).toEqual([...new Set(calls.slice(3))]);
    expect(calls.slice(3).every((c) => c.startsWith('image '))).toBe(true);
    expect(hosts.get('192.168.99.2')?.writes()).toEqual([]);
  });

  it('asks for nothing beyond the list when nothing is to be created or removed', async () => {
    const { hosts, options } = setup(['192.168.99.2']);
    await runPass({ goal: 'apply', source: source(seed()) }, options);
    const host = hosts.get('192.168.99.2');
    host?.calls.splice(0);
    const pass = await runPass({ goal: 'plan', source: source(seed()) }, options);
    expect(pass.stage === 'plan' && pass.planned.plan.tiers).toEqual([]);
    expect(host?.calls).toEqual(['list', 'networks']);
  });

  it('reports the containers of a host that did not answer and never plans them', async () => {
    const { host, options } = setup(['192.168.99.2', '192.168.99.3']);
    host('192.168.99.3').down = true;
    const env = seed((e) => ((e.services.webui ?? {}).webui2 = { host: '192.168.99.3' }));
    const pass = await runPass({ goal: 'plan', source: source(env) }, options);
    if (pass.stage !== 'plan') throw new Error(pass.stage);
    const steps = pass.planned.plan.tiers.flatMap((t) => t.steps);
    expect(steps.map((s) => s.name)).not.toContain('webui2');
    expect(pass.planned.unreachable).toEqual([
      expect.objectContaining({ host: '192.168.99.3', containers: ['webui2'] }),
    ]);
    expect(pass.planned.state).toContainEqual(
      expect.objectContaining({ name: 'webui2', observed: 'unknown', ok: false }),
    );
  });

  it('plans offline without connecting to any host', async () => {
    const { options } = setup();
    const pass = await runPass(
      { goal: 'plan', source: source(seed()), offline: true },
      {
        ...options,
        connect: () => {
          throw new Error('connected');
        },
      },
    );
    if (pass.stage !== 'plan') throw new Error(pass.stage);
    expect(pass.planned.plan.tiers.flatMap((t) => t.steps)).toHaveLength(13);
  });

  it('stops at load on an invalid environment, before connecting', async () => {
    const { options } = setup();
    const pass = await runPass(
      {
        goal: 'apply',
        source: { read: () => Promise.resolve({ file: 'env.yaml', bytes: 'common: [' }) },
      },
      {
        ...options,
        connect: () => {
          throw new Error('connected');
        },
      },
    );
    expect(pass.stage).toBe('load');
    if (pass.stage === 'load') expect(pass.problems[0]?.file).toBe('env.yaml');
  });
});
