import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { AGENT_LABEL } from '../configure/kick-agents.js';
import { SERVES_LABEL } from '../configure/puppet-code.js';
import { Environment } from '../environment/schema.js';
import { loadRenderer } from '../render/renderer.js';
import { environmentSecrets } from './configure-stage.js';
import { runPass, type PassDeps } from './run-pass.js';

const renderer = loadRenderer();

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

/** An agent's run, not the puppet server's look at its own group. */
const isKick = (write: string) => write.startsWith('exec') && !write.endsWith(' id -g puppet');

/** h1 runs puppet1 (a puppet server), gal1 and gal2 (agents) and webui1 (no agent), as `env` has them. */
async function setup(running: Environment = env(['gal1', 'gal2'])) {
  const host = new FakeDockerHost('h1');
  // The puppet server's image has the user puppet, in its group 113.
  host.execHandler = (_, command) => ({
    exitCode: 0,
    stdout: command.join(' ') === 'id -g puppet' ? '113\n' : '',
    stderr: '',
  });
  for (const image of ['puppet:latest', 'galera:latest', 'webui:latest']) host.images.add(image);
  host.imageLabels.set('puppet:latest', { [SERVES_LABEL]: 'puppetserver' });
  host.imageLabels.set('galera:latest', { [AGENT_LABEL]: 'kick' });
  const deps: PassDeps = {
    connect: () => new Map([['h1', host]]),
    renderer,
    clock: new FakeClock(),
  };
  await apply(running, deps);
  // The engine reports the image's labels as the container's: the fake gets them here.
  for (const c of host.containers.values()) {
    Object.assign(c.labels, host.imageLabels.get(c.image) ?? {});
  }
  host.calls.length = 0;
  return { host, deps };
}

async function apply(
  target: Environment,
  deps: PassDeps,
  configured?: { env: Environment | undefined; retry?: string[] },
) {
  const pass = await runPass(
    {
      goal: 'apply',
      source: {
        read: () => Promise.resolve({ file: 'environment.yaml', bytes: stringify(target) }),
      },
      ...(configured === undefined ? {} : { configured }),
    },
    deps,
  );
  if (pass.stage !== 'apply') throw new Error(`stopped at ${pass.stage}`);
  return pass;
}

describe('configuring the running applications', () => {
  it('gives the puppet server the code, then kicks those whose inputs changed', async () => {
    const { host, deps } = await setup();
    const done = await apply(env(['gal1', 'gal2']), deps, { env: env(['gal1']) });
    expect(host.writes()).toEqual([
      'exec puppet1 id -g puppet',
      expect.stringMatching(
        /^upload puppet1 \/etc\/puppet\/code\/environments\/production manifests\/site\.pp hiera\.yaml data\/dockstack-secrets\.yaml /,
      ),
      'exec gal1 puppet agent --test --color=false',
    ]);
    expect(done.configured.uploaded.map((u) => [u.name, u.outcome])).toEqual([
      ['puppet1', 'uploaded'],
    ]);
    expect(done.configured.kicked.map((k) => [k.name, k.outcome, k.reasons])).toEqual([
      ['gal1', 'unchanged', ['members of galera changed: + gal2.endor.lab']],
    ]);
    // gal2's peer changed too; webui1's classes read no galera member: it is left alone.
    expect(done.configured.refreshed.map((r) => r.name)).toEqual(['gal1']);
    expect(done.configured.notKicked).toEqual([]);
    // The members of gal1's own service changed: it is kicked in the galera tier.
    expect(done.planned.plan.tiers.map((t) => [t.phase, t.service])).toEqual([
      ['deploy', 'galera'],
    ]);
  });

  it('uploads nothing again for the same code, and kicks a failed one again', async () => {
    const { host, deps } = await setup();
    const memory = new Map<string, string>();
    const shared = { ...deps, code: memory };
    await apply(env(['gal1', 'gal2']), shared, { env: env(['gal1']) });
    host.calls.length = 0;
    const again = await apply(env(['gal1', 'gal2']), shared, {
      env: env(['gal1', 'gal2']),
      retry: ['gal2', 'gal7'],
    });
    expect(host.writes()).toEqual(['exec gal2 puppet agent --test --color=false']);
    expect(again.configured.kicked.map((k) => [k.name, k.reasons])).toEqual([
      ['gal2', ['its last kick failed']],
    ]);
  });

  it('kicks nothing while a puppet server lacks the code: each kick is failed and due again', async () => {
    const { host, deps } = await setup();
    host.upload = () => Promise.reject(new Error('no space left on device'));
    const done = await apply(env(['gal1', 'gal2']), deps, { env: env(['gal1']) });
    expect(done.configured.uploaded.map((u) => u.outcome)).toContain('failed');
    expect(done.configured.kicked).toEqual([
      expect.objectContaining({
        name: 'gal1',
        outcome: 'failed',
        error: 'the puppet server puppet1 on h1 did not get the code: no space left on device',
      }),
    ]);
    expect(host.writes().filter(isKick)).toEqual([]);
    expect(done.reconciliation.result.converged).toBe(false);
  });

  it('kicks nothing without a last configured environment', async () => {
    const { deps } = await setup();
    const done = await apply(env(['gal1', 'gal2']), deps, { env: undefined });
    expect(done.configured.kicked).toEqual([]);
  });

  it('kicks the consumers of a change once every tier is up', async () => {
    const { host, deps } = await setup();
    const before = env(['gal1', 'gal2']);
    before.common.galera_password = 'the old one';
    const done = await apply(env(['gal1', 'gal2']), deps, { env: before });
    expect(done.planned.plan.tiers.map((t) => [t.phase, t.service])).toEqual([
      ['configure', 'galera'],
    ]);
    expect(host.writes().filter(isKick)).toEqual([
      'exec gal1 puppet agent --test --color=false',
      'exec gal2 puppet agent --test --color=false',
    ]);
  });
});

describe('environmentSecrets', () => {
  it('lists the values of secret common fields and parameters', () => {
    const secrets = environmentSecrets(env([], { api_token: 't0ken-value', region: 'north' }));
    expect(secrets).toEqual(['pa55word', 't0ken-value']);
  });
});
