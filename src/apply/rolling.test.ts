import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { labelsFor } from '../plan/labels.js';
import { planChanges } from '../plan/plan-changes.js';
import { formatPlan } from '../report/format-plan.js';
import { applyPlan } from './apply-plan.js';
import type { ContainerHook } from './executor.js';

function spec(name: string, tag: string): ContainerSpec {
  return {
    environment: 'prod',
    name,
    service: 'web',
    host: 'h1',
    tier: 0,
    image: `web:${tag}`,
    hostname: name,
    domain: 'endor.lab',
    state: 'running',
  };
}

const MEMBERS = ['web1', 'web2', 'web3'];

/** Three running members of `web` at tag 1 on one fake host, with tags 2 and bad to move to. */
function setup() {
  const host = new FakeDockerHost('h1');
  for (const image of ['web:1', 'web:2', 'web:bad']) host.images.add(image);
  host.crashing.add('web:bad');
  for (const name of MEMBERS) {
    host.add({ name, image: 'web:1', running: true, labels: labelsFor(spec(name, '1')) });
  }
  const clock = new FakeClock();
  return { host, clock };
}

/** A balancer as the hooks see it: what it was told lands in the host's calls, in order. */
const balancer = (host: FakeDockerHost): ContainerHook => ({
  beforeReplace: (spec) => {
    host.calls.push(`drain ${spec.name}`);
    return Promise.resolve();
  },
  afterReplace: (spec, replaced) => {
    host.calls.push(`back ${spec.name}${replaced ? '' : ' (rolled back)'}`);
    return Promise.resolve();
  },
});

async function moveTo(host: FakeDockerHost, clock: FakeClock, tag: string) {
  const plan = planChanges(
    MEMBERS.map((name) => spec(name, tag)),
    await host.listContainers(),
    ['web'],
  );
  // How many members run under their own names right after each container is stopped.
  const serving: number[] = [];
  const stop = host.stopContainer.bind(host);
  host.stopContainer = async (id) => {
    await stop(id);
    serving.push(
      [...host.containers.values()].filter((c) => MEMBERS.includes(c.name) && c.running).length,
    );
  };
  const result = await applyPlan(plan, {
    hosts: new Map([['h1', host]]),
    clock,
    pollMs: 1_000,
    settleMs: 5_000,
    readyTimeoutMs: 30_000,
    hooks: [balancer(host)],
  });
  return { plan, result, serving };
}

const running = (host: FakeDockerHost) =>
  [...host.containers.values()]
    .filter((c) => c.running)
    .map((c) => `${c.name} ${c.image} ${c.id}`)
    .sort();

describe('replacing the running members of a service', () => {
  it('replaces them one at a time, the old container of each removed once the new one is ready', async () => {
    const { host, clock } = setup();
    const { plan, result, serving } = await moveTo(host, clock, '2');
    expect(formatPlan(plan)).toContain(
      '  web: web1, then web2, then web3; one at a time, each ready before the next. A member whose new container is not ready in time is rolled back to its old container, and the members after it keep theirs.\n',
    );
    expect(result.converged).toBe(true);
    expect(Math.min(...serving)).toBe(2);
    expect([...host.containers.values()].map((c) => `${c.name} ${c.image}`).sort()).toEqual([
      'web1 web:2',
      'web2 web:2',
      'web3 web:2',
    ]);
    // One member after another: web2's old container is stopped only once web1's new one runs.
    // Each is out of its balancers' rotation from before its stop until its new one is ready.
    const calls = host.calls.filter((c) => /^(drain|stop|rename|start|back|remove) /.test(c));
    expect(calls.slice(0, 12)).toEqual([
      'drain web1',
      'stop web1',
      'rename web1 web1.aside',
      'start web1',
      'back web1',
      'remove web1.aside',
      'drain web2',
      'stop web2',
      'rename web2 web2.aside',
      'start web2',
      'back web2',
      'remove web2.aside',
    ]);
  });

  it('rolls a member back to its old container when the new one exits, and stops the rollout there', async () => {
    const { host, clock } = setup();
    const before = running(host);
    const { result } = await moveTo(host, clock, 'bad');
    expect(result.converged).toBe(false);
    expect(running(host)).toEqual(before);
    expect(host.containers.size).toBe(3);
    const [first, second, third] = result.steps;
    expect(first?.outcome).toBe('failed');
    expect(first?.error).toContain('exited');
    expect(first?.rolledBack).toBeDefined();
    for (const later of [second, third]) {
      expect(later?.heldBack).toBe(true);
      expect(later?.error).toBe(
        `not run: the rolling replacement of web stopped at web1, which failed; ${later?.name ?? ''} keeps its container`,
      );
    }
    expect(host.calls.filter((c) => c.startsWith('create'))).toEqual(['create web1']);
    // The old container is back in rotation; the members after it never left.
    expect(host.calls.filter((c) => /^(drain|back) /.test(c))).toEqual([
      'drain web1',
      'back web1 (rolled back)',
    ]);
  });
});
