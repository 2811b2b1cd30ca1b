import { spawn, spawnSync } from 'node:child_process';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { LABELS } from '../../src/hosts/ownership-labels.js';
import { ROOT } from '../cli/run-dockstack.js';
import { removeTestVolumes } from '../network/network-testbed.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { buildExitingImage } from '../testbed/test-images.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  ENVIRONMENT_NAME,
  PREFIX,
  removeTestContainers,
  seedServices,
  testContainers,
  writeEnvironment,
  type Services,
} from './apply-env.js';

const CLI = ['--import', 'tsx', `${ROOT}src/cli/main.ts`];

/**
 * Runs `dockstack apply` and kills it with SIGKILL once its progress output has `lines` lines, or
 * `afterMs` after its first line: a crash at that point of the apply.
 */
function applyAndKill(file: string, point: { lines?: number; afterMs?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, 'apply', '--env', file, '--settle', '1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (output === '' && point.afterMs !== undefined) timer = setTimeout(kill, point.afterMs);
      output += chunk.toString();
      if (point.lines !== undefined && output.split('\n').length > point.lines) kill();
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

function applyToEnd(file: string): { code: number | null; output: string } {
  const run = spawnSync(process.execPath, [...CLI, 'apply', '--env', file, '--settle', '1'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every container of `services` exists exactly once, on its host, running, and nothing else does. */
async function expectConverged(services: Services, tag: string): Promise<void> {
  const wanted = Object.values(services).flatMap((containers) =>
    Object.entries(containers).map(([name, c]) => [name, c.host === 'local' ? 'local' : 'h2']),
  );
  const found = (await testContainers()).filter((c) => c.name.startsWith(`${PREFIX}-${tag}-`));
  expect(found.map((c) => [c.name, c.engine]).sort()).toEqual(wanted.sort());
  for (const c of found) {
    expect(c.running, `${c.name} runs`).toBe(true);
    expect(c.labels[LABELS.environment]).toBe(ENVIRONMENT_NAME);
    expect(c.labels[LABELS.container]).toBe(c.name);
  }
}

/** The stateful services of the seed keep their data in a volume each. */
function withVolumes(services: Services): Services {
  for (const service of ['galera', 'cassandra']) {
    for (const c of Object.values(services[service] ?? {})) c.volumes = ['/data'];
  }
  return services;
}

/** The engine a container of `services` runs on. */
const engineOf = (c: Record<string, unknown>) => (c.host === 'local' ? 'local' : 'h2');

/**
 * No volume lost, none left loose: on each engine, this test's volumes are exactly one per
 * container that has (or had, in `before`) volumes there, and each container mounts its own.
 */
async function expectVolumes(services: Services, tag: string, before?: Services): Promise<void> {
  const name = (container: string) => `dockstack-${ENVIRONMENT_NAME}.${container}.data`;
  const wanted = new Set<string>();
  for (const set of [services, ...(before === undefined ? [] : [before])]) {
    for (const containers of Object.values(set)) {
      for (const [container, c] of Object.entries(containers)) {
        if (c.volumes !== undefined) wanted.add(`${engineOf(c)} ${name(container)}`);
      }
    }
  }
  const found = new Set<string>();
  for (const [engine, endpoint] of Object.entries(ENGINES)) {
    const { Volumes: volumes } = await rawClient(endpoint).listVolumes({
      filters: { label: [`${LABELS.environment}=${ENVIRONMENT_NAME}`] },
    });
    for (const v of volumes)
      if (v.Name.includes(`.${PREFIX}-${tag}-`)) found.add(`${engine} ${v.Name}`);
  }
  expect([...found].sort()).toEqual([...wanted].sort());
  for (const c of (await testContainers()).filter((t) => t.name.startsWith(`${PREFIX}-${tag}-`))) {
    const spec = Object.values(services).find((containers) => c.name in containers)?.[c.name];
    if (spec?.volumes === undefined) continue;
    const info = await rawClient(ENGINES[c.engine]).getContainer(c.id).inspect();
    expect(
      info.Mounts.map((m) => m.Name),
      `${c.name} mounts its volume`,
    ).toContain(name(c.name));
  }
}

async function removeAll(): Promise<void> {
  await removeTestContainers();
  await removeTestVolumes();
}

describe('apply killed with SIGKILL and applied again', () => {
  useTestbed({ setup: removeAll, teardown: removeAll });
  afterEach(removeAll);

  const points = [
    { lines: 1 },
    { lines: 4 },
    { lines: 9 },
    { lines: 16 },
    { afterMs: 0 },
    { afterMs: 150 },
    { afterMs: 600 },
  ];

  it.each(points)('converges a first deployment after a kill at %o', async (point) => {
    const services = withVolumes(seedServices(2, 'first'));
    const file = writeEnvironment(services);
    const killed = await applyAndKill(file, point);
    expect(killed, 'killed before it finished').not.toContain('converged');
    const again = applyToEnd(file);
    expect(again.code, again.output).toBe(0);
    await expectConverged(services, 'first');
    await expectVolumes(services, 'first');
    expect(applyToEnd(file).output).toContain('converged: 0 steps done');
  });

  it.each(points.slice(1, 6))(
    'converges a change (moves, recreates, removals, additions) after a kill at %o',
    async (point) => {
      const before = withVolumes(seedServices(2, 'change'));
      const after: Services = structuredClone(before);
      for (const [service, containers] of Object.entries(after)) {
        for (const [name, c] of Object.entries(containers)) {
          if (service === 'webui') c.tag = '2';
          else if (name.endsWith('1') && ['galera', 'config', 'control'].includes(service))
            c.host = c.host === 'local' ? 'h2' : 'local';
          else if (name.endsWith('2') && ['puppet', 'collector'].includes(service))
            Reflect.deleteProperty(containers, name);
        }
      }
      (after.cassandra ?? {})[`${PREFIX}-change-cassandra3`] = { host: 'h2' };
      (after.haproxy ?? {})[`${PREFIX}-change-haproxy3`] = { host: 'local' };

      const first = applyToEnd(writeEnvironment(before));
      expect(first.code, first.output).toBe(0);
      const file = writeEnvironment(after);
      await applyAndKill(file, point);
      const again = applyToEnd(file);
      expect(again.code, again.output).toBe(0);
      await expectConverged(after, 'change');
      // galera1 moved: its volume stays on the host it left; the new host has one of its own.
      await expectVolumes(after, 'change', before);
      const webui = (await testContainers()).filter((c) => c.name.includes('-change-webui'));
      expect(webui.map((c) => c.image)).toEqual(['webui:2', 'webui:2']);
    },
  );

  describe('in a rolling replacement that is rolled back', () => {
    const BAD = 'webui:crash-bad';
    const members = (tag?: string): Services => ({
      webui: Object.fromEntries(
        ['1', '2', '3'].map((n, i) => [
          `${PREFIX}-roll-webui${n}`,
          { host: i === 1 ? 'h2' : 'local', ...(tag === undefined ? {} : { tag }) },
        ]),
      ),
    });
    const shown = async () =>
      (await testContainers())
        .filter((c) => c.name.startsWith(`${PREFIX}-roll-`) || c.name.endsWith('.aside'))
        .map((c) => `${c.name} ${c.image} ${c.running ? 'running' : 'stopped'} ${c.id}`)
        .sort();
    afterAll(async () => {
      for (const endpoint of Object.values(ENGINES)) {
        await rawClient(endpoint)
          .getImage(BAD)
          .remove({ force: true })
          .catch(() => undefined);
      }
    });

    it.each([{ lines: 3 }, { afterMs: 300 }, { afterMs: 1_500 }, { afterMs: 4_000 }])(
      'leaves every member running its own container under its name after a kill at %o',
      async (point) => {
        for (const endpoint of Object.values(ENGINES)) await buildExitingImage(endpoint, BAD);
        const first = applyToEnd(writeEnvironment(members()));
        expect(first.code, first.output).toBe(0);
        const before = await shown();
        const file = writeEnvironment(members('crash-bad'));
        await applyAndKill(file, point);
        const again = applyToEnd(file);
        expect([0, 1], again.output).toContain(again.code);
        // The same three containers, by id, running what they ran; nothing aside, nothing more.
        expect(await shown()).toEqual(before);
      },
    );
  });
});
