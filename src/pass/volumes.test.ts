import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { planSteps } from '../plan/plan.js';
import { loadRenderer } from '../render/renderer.js';
import { formatPlan } from '../report/format-plan.js';
import { runPass, type PassDeps } from './run-pass.js';
import type { Source } from './source.js';

const HOST = 'h1';
const MYSQL = 'dockstack-default.gal1.var-lib-mysql';

/** A galera container (its image declares /var/lib/mysql) and whatever `more` adds. */
function environment(more = '', tag = 'latest'): string {
  return `common:
  dnsServer: 10.0.0.1
  domain: endor.lab
services:
  galera:
    gal1:
      host: ${HOST}
      tag: "${tag}"
${more}`;
}

function setup() {
  const host = new FakeDockerHost(HOST);
  for (const image of ['galera:latest', 'galera:2']) {
    host.images.add(image);
    host.dataFolders.set(image, ['/var/lib/mysql']);
  }
  const deps: PassDeps = {
    connect: () => new Map([[HOST, host]]),
    renderer: loadRenderer(),
    clock: new FakeClock(),
  };
  return { host, deps };
}

function source(text: string): Source {
  return { read: () => Promise.resolve({ file: 'environment.yaml', bytes: text }) };
}

async function pass(goal: 'plan' | 'apply', text: string, deps: PassDeps) {
  const result = await runPass({ goal, source: source(text) }, deps);
  if (result.stage === 'load') throw new Error('invalid environment');
  return result;
}

describe('volumes, on a fake host', () => {
  it('gives each data folder of the image a named volume, labelled as dockstack’s, made before the container', async () => {
    const { host, deps } = setup();
    const planned = await pass('plan', environment(), deps);
    expect(formatPlan(planned.planned.plan)).toContain(`volumes: ${MYSQL} at /var/lib/mysql (new)`);
    const applied = await pass('apply', environment(), deps);
    expect(applied.stage === 'apply' && applied.reconciliation.result.converged).toBe(true);
    expect(host.writes().slice(0, 2)).toEqual([`volume ${MYSQL}`, 'create gal1']);
    expect(host.volumes.get(MYSQL)?.labels).toEqual({
      [LABELS.managed]: 'true',
      [LABELS.environment]: 'default',
      [LABELS.service]: 'galera',
      [LABELS.container]: 'gal1',
      [LABELS.path]: '/var/lib/mysql',
    });
    const gal1 = [...host.containers.values()].find((c) => c.name === 'gal1');
    expect(gal1?.mounts).toEqual([{ type: 'volume', name: MYSQL, target: '/var/lib/mysql' }]);
  });

  it('keeps the volume when the container is recreated, removed by hand, or removed from the file', async () => {
    const { host, deps } = setup();
    await pass('apply', environment(), deps);
    const planned = await pass('plan', environment('', '2'), deps);
    expect(formatPlan(planned.planned.plan)).toContain(`${MYSQL} at /var/lib/mysql (kept)`);
    await pass('apply', environment('', '2'), deps);
    const id = [...host.containers.values()].find((c) => c.name === 'gal1')?.id ?? '';
    host.containers.delete(id);
    await pass('apply', environment('', '2'), deps);
    const gone = `common:\n  dnsServer: 10.0.0.1\n  domain: endor.lab\nservices:\n  galera: {}\n`;
    const removal = await pass('plan', gone, deps);
    expect(formatPlan(removal.planned.plan)).toContain(`keeps volumes: ${MYSQL}`);
    await pass('apply', gone, deps);
    expect(host.containers.size).toBe(0);
    expect([...host.volumes.keys()]).toEqual([MYSQL]);
    expect(host.calls.filter((c) => c.startsWith('remove volume'))).toEqual([]);
  });

  it('mounts the entries of the file, and never uses a volume of the name that is not its own', async () => {
    const { host, deps } = setup();
    host.volumes.set(MYSQL, { host: HOST, name: MYSQL, labels: { owner: 'someone else' } });
    const text = environment('      volumes: [/srv/backup:/backup:ro]\n');
    const applied = await pass('apply', text, deps);
    expect(applied.stage === 'apply' && applied.reconciliation.result.steps).toEqual([
      expect.objectContaining({
        name: 'gal1',
        outcome: 'failed',
        error: `volume ${MYSQL} is not ours`,
      }),
    ]);
    expect(host.containers.size).toBe(0);
    host.volumes.delete(MYSQL);
    await pass('apply', text, deps);
    const gal1 = [...host.containers.values()].find((c) => c.name === 'gal1');
    expect(gal1?.mounts).toEqual([
      { type: 'bind', source: '/srv/backup', target: '/backup', readOnly: true },
      { type: 'volume', name: MYSQL, target: '/var/lib/mysql' },
    ]);
  });

  it('says when the image is not on the host yet: its data folders get volumes once it is pulled', async () => {
    const { host, deps } = setup();
    host.images.delete('galera:2');
    host.registry.add('galera:2');
    const planned = await pass('plan', environment('', '2'), deps);
    const step = planSteps(planned.planned.plan)[0];
    expect(step?.action === 'create' && step.volumes).toEqual({ mounts: [], imageUnknown: true });
    expect(formatPlan(planned.planned.plan)).toContain(
      'a volume for each data folder of its image, once pulled',
    );
    await pass('apply', environment('', '2'), deps);
    expect(host.volumes.has(MYSQL)).toBe(true);
  });
});
