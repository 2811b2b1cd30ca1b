import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { AGENT_LABEL, agentError, kickAgent, type KickOptions } from './kick-agents.js';

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

const options: KickOptions = { deadlineMs: 60_000, secrets: ['s3cret-pw'], clock: new FakeClock() };

const why = (name: string) => ({ name, reasons: [`members of galera changed: + gal3.endor.lab`] });

async function idOf(host: FakeDockerHost, name: string): Promise<string> {
  return (await host.listContainers()).find((c) => c.name === name)?.id ?? '';
}

describe('kickAgent', () => {
  it('runs puppet agent --test in the container and says whether it changed anything', async () => {
    const { h1, h2 } = setup();
    h2.execHandler = () => ({ exitCode: 2, stdout: '', stderr: '' });
    const gal1 = await kickAgent(h1, await idOf(h1, 'gal1'), why('gal1'), options);
    const gal2 = await kickAgent(h2, await idOf(h2, 'gal2'), why('gal2'), options);
    expect(h1.writes()).toContain('exec gal1 puppet agent --test --color=false');
    expect([gal1, gal2].map((k) => [k.name, k.host, k.outcome, k.exitCode])).toEqual([
      ['gal1', 'h1', 'unchanged', 0],
      ['gal2', 'h2', 'changed', 2],
    ]);
    expect(gal1.reasons).toEqual(['members of galera changed: + gal3.endor.lab']);
  });

  it('reports a failed run with the first error, secrets masked', async () => {
    const { h1 } = setup();
    h1.execHandler = () => ({
      exitCode: 4,
      stdout: 'Info: Applying\nNotice: /Stage[main]/File[x]/content: changed s3cret-pw\n',
      stderr: 'Error: Could not connect with password s3cret-pw\nError: second\n',
    });
    expect(await kickAgent(h1, await idOf(h1, 'gal1'), why('gal1'), options)).toEqual(
      expect.objectContaining({
        name: 'gal1',
        outcome: 'failed',
        exitCode: 4,
        error: 'puppet agent exited 4: Error: Could not connect with password ***',
      }),
    );
  });

  it('counts an engine failure as a failed kick', async () => {
    const { h1 } = setup();
    h1.execHandler = () => {
      throw new Error('the engine hung up');
    };
    const kick = await kickAgent(h1, await idOf(h1, 'gal1'), why('gal1'), options);
    expect([kick.outcome, kick.error]).toEqual(['failed', 'the engine hung up']);
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
