import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { AGENT_LABEL } from '../configure/kick-agents.js';
import { puppetCode, SERVES_LABEL } from '../configure/puppet-code.js';
import { Environment } from '../environment/schema.js';
import { LABELS } from '../plan/labels.js';
import { loadRenderer } from '../render/renderer.js';
import { configureStage, environmentSecrets, type ConfigureInput } from './configure-stage.js';

const renderer = loadRenderer();
const modules = new Map([['mymod/manifests/gal.pp', 'class mymod::gal {}\n']]);

function env(galera: string[], parameters: Record<string, string> = {}): Environment {
  return Environment.parse({
    common: {
      domain: 'endor.lab',
      dnsServer: '10.0.0.1',
      puppetServer: 'puppet1',
      galera_password: 'pa55word',
      parameters,
    },
    services: {
      puppet: { puppet1: { host: 'h1' } },
      galera: Object.fromEntries(galera.map((name) => [name, { host: 'h1' }])),
      webui: { webui1: { host: 'h1' } },
    },
  });
}

const managed = (service: string, name: string, extra: Record<string, string>) => ({
  [LABELS.managed]: 'true',
  [LABELS.service]: service,
  [LABELS.container]: name,
  ...extra,
});

function setup() {
  const host = new FakeDockerHost('h1');
  // The puppet server's image has the user puppet, in its group 113.
  host.execHandler = (_, command) => ({
    exitCode: 0,
    stdout: command.join(' ') === 'id -g puppet' ? '113\n' : '',
    stderr: '',
  });
  host.add({
    name: 'puppet1',
    image: 'puppet:real',
    running: true,
    labels: managed('puppet', 'puppet1', { [SERVES_LABEL]: 'puppetserver' }),
  });
  for (const name of ['gal1', 'gal2']) {
    host.add({
      name,
      image: 'galera:real',
      running: true,
      labels: managed('galera', name, { [AGENT_LABEL]: 'kick' }),
    });
  }
  host.add({
    name: 'webui1',
    image: 'webui:latest',
    running: true,
    labels: managed('webui', 'webui1', {}),
  });
  return host;
}

async function input(host: FakeDockerHost, over: Partial<ConfigureInput>): Promise<ConfigureInput> {
  const after = env(['gal1', 'gal2']);
  return {
    hosts: new Map([['h1', host]]),
    env: after,
    configured: env(['gal1']),
    retry: [],
    plan: { hostSteps: [], tiers: [] },
    observed: await host.listContainers(),
    code: puppetCode(renderer.sitePp(after), modules),
    memory: new Map(),
    renderer,
    perHostLimit: 4,
    kickDeadlineMs: 60_000,
    clock: new FakeClock(),
    ...over,
  };
}

describe('the configure stage', () => {
  it('gives the puppet server the code, then kicks those whose inputs changed', async () => {
    const host = setup();
    const done = await configureStage(await input(host, {}));
    expect(host.writes()).toEqual([
      'exec puppet1 id -g puppet',
      'upload puppet1 /etc/puppet/code/environments/production manifests/site.pp hiera.yaml data/dockstack-secrets.yaml modules/mymod/manifests/gal.pp',
      'exec gal1 puppet agent --test --color=false',
    ]);
    expect(done.uploaded.map((u) => [u.name, u.outcome])).toEqual([['puppet1', 'uploaded']]);
    expect(done.kicked.map((k) => [k.name, k.outcome, k.reasons])).toEqual([
      ['gal1', 'unchanged', ['members of galera changed: + gal2.endor.lab']],
    ]);
    // webui1's classes read no galera member: it is left alone.
    expect(done.refreshed.map((r) => r.name)).toEqual(['gal1']);
    expect(done.notKicked).toEqual([]);
  });

  it('uploads nothing again for the same code, and kicks a failed one again', async () => {
    const host = setup();
    const memory = new Map<string, string>();
    await configureStage(await input(host, { memory }));
    host.calls.length = 0;
    const again = await configureStage(
      await input(host, { memory, configured: env(['gal1', 'gal2']), retry: ['gal2', 'gal7'] }),
    );
    expect(host.writes()).toEqual(['exec gal2 puppet agent --test --color=false']);
    expect(again.kicked.map((k) => [k.name, k.reasons])).toEqual([
      ['gal2', ['its last kick failed']],
    ]);
  });

  it('kicks nothing while a puppet server lacks the code: each kick is failed and due again', async () => {
    const host = setup();
    host.upload = () => Promise.reject(new Error('no space left on device'));
    const done = await configureStage(await input(host, {}));
    expect(done.uploaded.map((u) => u.outcome)).toEqual(['failed']);
    expect(done.kicked).toEqual([
      expect.objectContaining({
        name: 'gal1',
        outcome: 'failed',
        error: 'the puppet server puppet1 on h1 did not get the code: no space left on device',
      }),
    ]);
    expect(host.writes().filter((w) => w.startsWith('exec') && !w.includes(' id '))).toEqual([]);
  });

  it('kicks nothing without a last configured environment', async () => {
    const host = setup();
    const done = await configureStage(await input(host, { configured: undefined }));
    expect(done.kicked).toEqual([]);
  });
});

describe('environmentSecrets', () => {
  it('lists the values of secret common fields and parameters', () => {
    const secrets = environmentSecrets(env([], { api_token: 't0ken-value', region: 'north' }));
    expect(secrets).toEqual(['pa55word', 't0ken-value']);
  });
});
