import { afterAll, describe, expect, it } from 'vitest';

import { LABELS } from '../../src/hosts/ownership-labels.js';
import { runDockstack } from '../cli/run-dockstack.js';
import { execIn, findTestContainer } from '../network/network-testbed.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { ENVIRONMENT_NAME, PREFIX, removeTestContainers, writeEnvironment } from './apply-env.js';

const keep = `${PREFIX}-vol-keep`;
const gone = `${PREFIX}-vol-gone`;
const volumeOf = (container: string, path: string) =>
  `dockstack-${ENVIRONMENT_NAME}.${container}.${path}`;
const OTHER = `dockstack-other-env.${keep}.data`;

async function removeVolumes(): Promise<void> {
  for (const endpoint of Object.values(ENGINES)) {
    const docker = rawClient(endpoint);
    const { Volumes: volumes } = await docker.listVolumes({
      filters: { label: [`${LABELS.environment}=${ENVIRONMENT_NAME}`] },
    });
    for (const v of volumes)
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
    await docker
      .getVolume(OTHER)
      .remove()
      .catch(() => undefined);
  }
}

async function volumesOn(engine: 'local' | 'h2'): Promise<string[]> {
  const { Volumes: volumes } = await rawClient(ENGINES[engine]).listVolumes();
  return volumes
    .map((v) => v.Name)
    .filter((n) => n.includes(ENVIRONMENT_NAME) || n === OTHER)
    .sort();
}

async function exec(container: string, command: string[]): Promise<string> {
  const found = await findTestContainer(container);
  return (await execIn(found, command)).output;
}

describe('volumes through dockstack apply, list and prune', () => {
  useTestbed({
    setup: async () => {
      await removeTestContainers();
      await removeVolumes();
    },
    teardown: async () => {
      await removeTestContainers();
      await removeVolumes();
    },
  });
  afterAll(removeVolumes);

  it('keeps a volume across a recreation and a removal, and prunes only those of containers gone from the file', async () => {
    const both = {
      dns: { [keep]: { host: 'local', volumes: ['/data'] } },
      webui: { [gone]: { host: 'h2', volumes: ['/data'] } },
    };
    const first = runDockstack(['apply', '--env', writeEnvironment(both)]);
    expect(first.code, first.stderr).toBe(0);
    expect(await volumesOn('local')).toEqual([volumeOf(keep, 'data')]);
    expect(await volumesOn('h2')).toEqual([volumeOf(gone, 'data')]);
    await exec(keep, ['sh', '-c', 'echo kept > /data/marker']);

    // Another path makes a new spec: the container is recreated, its data stays.
    const recreated = {
      ...both,
      dns: { [keep]: { host: 'local', volumes: ['/data', '/more'] } },
    };
    const plan = runDockstack(['plan', '--env', writeEnvironment(recreated)]);
    expect(plan.stdout).toContain(
      `volumes: ${volumeOf(keep, 'data')} at /data (kept), ${volumeOf(keep, 'more')} at /more (new)`,
    );
    expect(runDockstack(['apply', '--env', writeEnvironment(recreated)]).code).toBe(0);
    expect(await exec(keep, ['cat', '/data/marker'])).toContain('kept');

    // The container leaves the file: its volume stays on its host.
    const one = { dns: recreated.dns };
    const removal = runDockstack(['plan', '--env', writeEnvironment(one)]);
    expect(removal.stdout).toContain(`keeps volumes: ${volumeOf(gone, 'data')}`);
    expect(runDockstack(['apply', '--env', writeEnvironment(one)]).code).toBe(0);
    expect(await volumesOn('h2')).toEqual([volumeOf(gone, 'data')]);

    // Another environment's volume on the same host is never this environment's to prune.
    await rawClient(ENGINES.local).createVolume({
      Name: OTHER,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.environment]: 'other-env',
        [LABELS.container]: gone,
      },
    });

    const file = writeEnvironment(one);
    const listed = runDockstack(['volumes', 'list', '--env', file]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`local +${volumeOf(keep, 'data')} +${keep} /data +in use`),
    );
    expect(listed.stdout).toMatch(
      new RegExp(
        `h2 +${volumeOf(gone, 'data')} +${gone} /data +kept: its container is no longer in the file`,
      ),
    );

    const asked = runDockstack(['volumes', 'prune', '--env', file]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toContain(volumeOf(gone, 'data'));
    expect(asked.stdout).toContain('Run again with --yes to delete them.');
    expect(asked.stdout).not.toContain(volumeOf(keep, 'data'));
    expect(await volumesOn('h2')).toEqual([volumeOf(gone, 'data')]);

    const pruned = runDockstack(['volumes', 'prune', '--env', file, '--yes', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const report = JSON.parse(pruned.stdout) as { removed: { host: string; name: string }[] };
    expect(report.removed).toEqual([{ host: 'h2', name: volumeOf(gone, 'data') }]);
    expect(await volumesOn('h2')).toEqual([]);
    expect(await volumesOn('local')).toEqual(
      [OTHER, volumeOf(keep, 'data'), volumeOf(keep, 'more')].sort(),
    );
  }, 120_000);
});
