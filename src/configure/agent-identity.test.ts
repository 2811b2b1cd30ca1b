import { describe, expect, it } from 'vitest';

import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { agentIdentityGuard } from './agent-identity.js';

const spec: ContainerSpec = {
  environment: 'prod',
  name: 'gal1',
  service: 'galera',
  host: 'h1',
  tier: 3,
  image: 'galera:latest',
  hostname: 'gal1',
  domain: 'endor.lab',
  state: 'running',
};
const agent = {
  dataFolders: ['/var/lib/puppet/ssl'],
  labels: { 'org.dockstack.puppet-agent': 'kick' },
};

function setup() {
  const h1 = new FakeDockerHost('h1');
  const h2 = new FakeDockerHost('h2');
  const server = (host: FakeDockerHost, id: string, environment: string) =>
    host.containers.set(id, {
      id,
      name: `puppet-${id}`,
      image: 'puppet:latest',
      running: true,
      labels: {
        [LABELS.managed]: 'true',
        [LABELS.environment]: environment,
        'org.dockstack.serves': 'puppetserver',
      },
    });
  server(h2, 'p1', 'prod');
  server(h2, 'p2', 'other');
  h1.containers.set('c1', {
    id: 'c1',
    name: 'gal1',
    image: 'galera:latest',
    running: false,
    labels: {},
  });
  const execs: string[] = [];
  h2.execHandler = (container, command) => {
    execs.push(`${container.id}: ${command.join(' ')}`);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  const guard = agentIdentityGuard(
    new Map([
      ['h1', h1],
      ['h2', h2],
    ]),
  );
  return { h1, h2, execs, guard };
}

describe('agentIdentityGuard', () => {
  it("has the environment's puppet servers forget an agent that starts without its certificate", async () => {
    const { h1, execs, guard } = setup();
    await guard.beforeStart(h1, 'c1', spec, agent);
    expect(execs).toEqual(['p1: dockstack-service forget gal1.endor.lab']);
  });

  it('leaves an agent that kept its certificate, and an image without an agent, alone', async () => {
    const { h1, execs, guard } = setup();
    const files = new Map([['/var/lib/puppet/ssl/certs/gal1.endor.lab.pem', 'PEM']]);
    const c1 = h1.containers.get('c1');
    if (c1 !== undefined) c1.files = files;
    await guard.beforeStart(h1, 'c1', spec, agent);
    await guard.beforeStart(h1, 'c1', spec, { dataFolders: [], labels: {} });
    expect(execs).toEqual([]);
  });

  it('fails the start when a puppet server cannot forget, saying which and why', async () => {
    const { h1, h2, guard } = setup();
    h2.execHandler = () => ({ exitCode: 1, stdout: '', stderr: 'Error: the CA does not answer' });
    await expect(guard.beforeStart(h1, 'c1', spec, agent)).rejects.toThrow(
      'the puppet server puppet-p1 could not forget the certificate of gal1.endor.lab (exit 1: Error: the CA does not answer)',
    );
  });

  it('forgets nothing for a container that is gone (a start of one being removed)', async () => {
    const { h1, execs, guard } = setup();
    h1.containers.delete('c1');
    await expect(guard.beforeStart(h1, 'c1', spec, agent)).rejects.toThrow('no container c1');
    expect(execs).toEqual([]);
  });
});
