import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { LABELS } from '../plan/labels.js';
import { AGENT_LABEL, agentError, kickAgents, type KickOptions } from './kick-agents.js';

const agent = { [AGENT_LABEL]: 'kick' };
const labels = (service: string, name: string, extra: Record<string, string> = agent) => ({
  [LABELS.managed]: 'true',
  [LABELS.service]: service,
  [LABELS.container]: name,
  ...extra,
});

function setup() {
  const h1 = new FakeDockerHost('h1');
  const h2 = new FakeDockerHost('h2');
  h1.add({ name: 'gal1', image: 'galera:real', running: true, labels: labels('galera', 'gal1') });
  h2.add({ name: 'gal2', image: 'galera:real', running: true, labels: labels('galera', 'gal2') });
  h1.add({ name: 'ha1', image: 'haproxy:real', running: true, labels: labels('haproxy', 'ha1') });
  h1.add({
    name: 'os1',
    image: 'openstack:real',
    running: false,
    labels: labels('openstack', 'os1'),
  });
  h2.add({
    name: 'webui1',
    image: 'webui:latest',
    running: true,
    labels: labels('webui', 'webui1', {}),
  });
  const hosts = new Map([
    ['h1', h1],
    ['h2', h2],
  ]);
  return { h1, h2, hosts };
}

async function options(hosts: Map<string, FakeDockerHost>): Promise<KickOptions> {
  const observed = [
    ...(await hosts.get('h1')!.listContainers()),
    ...(await hosts.get('h2')!.listContainers()),
  ];
  return {
    hosts,
    observed,
    ranks: new Map([
      ['haproxy', 2],
      ['galera', 3],
      ['openstack', 4],
      ['webui', 9],
    ]),
    perHostLimit: 8,
    deadlineMs: 60_000,
    secrets: ['s3cret-pw'],
    clock: new FakeClock(),
  };
}

const why = (name: string) => ({ name, reasons: [`members of galera changed: + gal3.endor.lab`] });

describe('kickAgents', () => {
  it('runs puppet agent --test in each running container with an agent, tier by tier', async () => {
    const { h1, h2, hosts } = setup();
    const order: string[] = [];
    for (const host of [h1, h2]) {
      host.execHandler = (container) => {
        order.push(container.name);
        return { exitCode: container.name === 'gal2' ? 2 : 0, stdout: '', stderr: '' };
      };
    }
    const outcome = await kickAgents(
      [why('gal1'), why('gal2'), why('ha1'), why('os1'), why('webui1')],
      await options(hosts),
    );
    expect(order.indexOf('ha1')).toBeLessThan(order.indexOf('gal1'));
    expect(order.indexOf('ha1')).toBeLessThan(order.indexOf('gal2'));
    expect(h1.writes()).toContain('exec gal1 puppet agent --test --color=false');
    expect(outcome.kicked.map((k) => [k.name, k.host, k.outcome, k.exitCode])).toEqual([
      ['ha1', 'h1', 'unchanged', 0],
      ['gal1', 'h1', 'unchanged', 0],
      ['gal2', 'h2', 'changed', 2],
    ]);
    expect(outcome.kicked[0]?.reasons).toEqual(['members of galera changed: + gal3.endor.lab']);
    // A stopped container runs its agent when it starts; a stand-in has none.
    expect(outcome.notKicked).toEqual([
      { name: 'os1', why: 'stopped' },
      { name: 'webui1', why: 'no agent' },
    ]);
  });

  it('reports a failed run with the first error, secrets masked', async () => {
    const { h1, hosts } = setup();
    h1.execHandler = () => ({
      exitCode: 4,
      stdout: 'Info: Applying\nNotice: /Stage[main]/File[x]/content: changed s3cret-pw\n',
      stderr: 'Error: Could not connect with password s3cret-pw\nError: second\n',
    });
    const outcome = await kickAgents([why('gal1')], await options(hosts));
    expect(outcome.kicked).toEqual([
      expect.objectContaining({
        name: 'gal1',
        outcome: 'failed',
        exitCode: 4,
        error: 'puppet agent exited 4: Error: Could not connect with password ***',
      }),
    ]);
  });

  it('counts an engine failure and a container its host does not list as failed kicks', async () => {
    const { h1, hosts } = setup();
    h1.execHandler = () => {
      throw new Error('the engine hung up');
    };
    const outcome = await kickAgents([why('gal1'), why('gal9')], await options(hosts));
    expect(outcome.kicked.map((k) => [k.name, k.outcome, k.error])).toEqual([
      ['gal1', 'failed', 'the engine hung up'],
      ['gal9', 'failed', 'not found on its host (is the host down?)'],
    ]);
  });

  it('runs no more kicks at once on a host than its limit', async () => {
    const host = new FakeDockerHost('h1');
    const names = ['gal1', 'gal2', 'gal3', 'gal4', 'gal5'];
    for (const name of names) {
      host.add({ name, image: 'galera:real', running: true, labels: labels('galera', name) });
    }
    let running = 0;
    let most = 0;
    const hosts = new Map([['h1', host]]);
    const base = await options(
      new Map([
        ['h1', host],
        ['h2', new FakeDockerHost('h2')],
      ]),
    );
    const slow: KickOptions = {
      ...base,
      hosts,
      perHostLimit: 2,
      observed: await host.listContainers(),
    };
    host.exec = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const outcome = await kickAgents(names.map(why), slow);
    expect(outcome.kicked).toHaveLength(5);
    expect(most).toBe(2);
  });
});

describe('agentError', () => {
  it('names the exit code, and the last line when there is no Error line', () => {
    expect(agentError('', '', 1)).toBe('puppet agent exited 1');
    expect(
      agentError('Notice: Run of Puppet configuration client already in progress\n', '', 1),
    ).toBe('puppet agent exited 1: Notice: Run of Puppet configuration client already in progress');
  });
});
