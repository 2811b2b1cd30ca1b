/**
 * The configure stage with real images on the two test engines (.ci/setup builds them: the real
 * dns, puppet and galera images, tag `real`). The daemon follows a local env repo that runs dns1,
 * puppet1 and gal1; a commit adds gal2 on the second engine. Figures, from the end of the push:
 * - dockstack: to `wsrep_cluster_size` 2 on both members (gal2's first agent run, at its start,
 *   configures it to join); to configured (the bot's commit, after gal2 is healthy and the agents
 *   whose inputs changed were kicked); the agents run: gal2's first run plus the kicks the bot's
 *   commit counts (`Dockstack-Kicked`).
 * - the seed's way, measured on the same containers: after creating a container it waited a
 *   fixed 30 s, then kicked the agent of every container, one after another. gal2's first run is
 *   the same, so the cluster forms as soon; "configured" is push to gal2 running, plus 30 s, plus
 *   a kick of every container with an agent (timed here, in turn, once the cluster formed); its
 *   agents: gal2's first run and every container. When gal2's first run takes longer than 30 s,
 *   the seed's kick of gal2 comes while that run holds the agent's lock.
 * - the same count for the seed's whole environment (13 containers, pure): the agents dockstack
 *   kicks when gal2 joins it, against every container with an agent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse, stringify } from 'yaml';

import { refreshedContainers } from '../src/configure/refreshed-containers.js';
import { containerSpecs } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';
import type { Environment } from '../src/environment/schema.js';
import { loadRenderer } from '../src/render/renderer.js';
import { PREFIX, removeTestContainers, testContainers } from '../test/apply/apply-env.js';
import {
  assertAppImages,
  clusterSize,
  galeraEnvironment,
} from '../test/configure/configure-testbed.js';
import { startDaemon, waitFor } from '../test/daemon/daemon-process.js';
import { createRemote, git } from '../test/git/git-fixture.js';
import {
  assertNetworkImages,
  removeTestNetworks,
  removeTestVolumes,
} from '../test/network/network-testbed.js';
import { assertTestbed, ENGINES, rawClient } from '../test/testbed/docker-testbed.js';

const NAME = `bench-kick-${String(process.pid)}`;
const SEED_WAIT_MS = 30_000;

async function main(): Promise<void> {
  await assertTestbed();
  await assertNetworkImages();
  await assertAppImages();
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-kick-'));
  const cleanUp = async () => {
    await removeTestContainers();
    await removeTestNetworks();
    await removeTestVolumes();
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    await cleanUp();
    const remote = createRemote(dir, {
      'environment.yaml': galeraEnvironment(NAME, { gal1: 'local' }),
    });
    const daemon = await startDaemon([
      '--repo',
      remote.fileUrl,
      '--workdir',
      join(dir, 'work'),
      '--interval',
      '1',
      '--ready-timeout',
      '900',
    ]);
    try {
      const trailer = (sha: string, key: string) =>
        git(remote.bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();
      const appliedBy = (commit: string) => () => {
        const head = remote.head();
        return trailer(head, 'Dockstack-Applied') === commit ? head : undefined;
      };
      await waitFor('dns1, puppet1 and gal1 deployed', appliedBy(remote.head()), 900_000);
      await waitFor('a cluster of one', async () =>
        (await clusterSize('gal1')) === 1 ? true : undefined,
      );

      const added = remote.push(
        { 'environment.yaml': galeraEnvironment(NAME, { gal1: 'local', gal2: 'h2' }) },
        'Add gal2',
      );
      const pushed = Date.now();
      let running: number | undefined;
      const formed = await waitFor(
        'a cluster of two on both members',
        async () => {
          const gal2 = (await testContainers()).find((c) => c.name === `${PREFIX}-gal2`);
          if (gal2?.running === true) running ??= Date.now();
          const sizes = await Promise.all([clusterSize('gal1'), clusterSize('gal2')]);
          return sizes.every((size) => size === 2) ? Date.now() : undefined;
        },
        600_000,
      );
      await waitFor(
        'gal2 healthy',
        async () => {
          const gal2 = (await testContainers()).find((c) => c.name === `${PREFIX}-gal2`);
          if (gal2 === undefined) return undefined;
          const info = await rawClient(ENGINES[gal2.engine]).getContainer(gal2.id).inspect();
          return info.State.Health?.Status === 'healthy' ? true : undefined;
        },
        600_000,
      );
      const healthy = Date.now();
      const bot = await waitFor("the bot's commit", appliedBy(added), 600_000);
      const configured = Date.now();
      const kicked = Number(trailer(bot, 'Dockstack-Kicked') || '0');

      const agents = (await testContainers()).filter(
        (c) => c.running && c.labels['org.dockstack.puppet-agent'] === 'kick',
      );
      const kickStart = Date.now();
      for (const container of agents) await kick(container.engine, container.id);
      const kickAll = Date.now() - kickStart;

      const toRunning = (running ?? formed) - pushed;
      const firstRun = healthy - (running ?? formed);
      const seedMs = toRunning + SEED_WAIT_MS + kickAll;
      const seed = seedCounts();
      const row = (who: string, size: number, done: number, agentsRun: string) =>
        `  ${who.padEnd(32)} ${seconds(size)}       ${seconds(done)}      ${agentsRun}`;
      console.log('adding gal2 to a Galera cluster (real puppet server, MariaDB, two engines)');
      console.log('  from the push                    cluster size 2   configured   agents run');
      console.log(
        row(
          'dockstack (kick what changed)',
          formed - pushed,
          configured - pushed,
          `${String(1 + kicked)} (gal2's first run + ${String(kicked)} kick${kicked === 1 ? '' : 's'})`,
        ),
      );
      console.log(
        row(
          "the seed's way (30 s, kick all)",
          formed - pushed,
          seedMs,
          `${String(1 + agents.length)} (gal2's first run + ${String(agents.length)} kicks)`,
        ),
      );
      console.log(
        `  the seed's way: gal2 running after ${seconds(toRunning).trim()}, + 30 s, + a kick of every agent in turn ${seconds(kickAll).trim()};` +
          ` gal2's first run took ${seconds(firstRun).trim()}${firstRun > SEED_WAIT_MS ? ", so the seed's kick of gal2 would meet it still running" : ''}`,
      );
      console.log(
        `in the seed's environment, gal2 joining kicks ${String(seed.dockstack)} agent(s) (${seed.names.join(', ')}); the seed's way kicks ${String(seed.all)}`,
      );
    } finally {
      await daemon.stop();
    }
  } finally {
    await cleanUp();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `puppet agent --test` in a container to its end (the seed's kick). */
async function kick(engine: 'local' | 'h2', id: string): Promise<void> {
  const exec = await rawClient(ENGINES[engine])
    .getContainer(id)
    .exec({ Cmd: ['puppet', 'agent', '--test'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  stream.resume();
  await new Promise((resolve) => stream.on('end', resolve));
  const code = (await exec.inspect()).ExitCode;
  if (code !== 0 && code !== 2) throw new Error(`a kick exited ${String(code)}`);
}

/** The seed's environment with gal2 added: dockstack's kicks against every container's agent. */
function seedCounts(): { dockstack: number; names: string[]; all: number } {
  const text = readFileSync(
    new URL('../test/fixtures/seed-environment.yaml', import.meta.url),
    'utf8',
  );
  const before = loaded(text);
  const raw = parse(text) as { services: { galera: Record<string, unknown> } };
  raw.services.galera.gal2 = { host: '192.168.99.2' };
  const after = loaded(stringify(raw));
  const renderer = loadRenderer();
  const kicked = refreshedContainers(
    before,
    after,
    new Set(['gal2']),
    renderer.classes,
    renderer.inputs,
  );
  // Every container but dns and the puppet servers runs an agent.
  const all = containerSpecs(before).filter((s) => s.service !== 'dns' && s.service !== 'puppet');
  return { dockstack: kicked.length, names: kicked.map((k) => k.name), all: all.length };
}

function loaded(text: string): Environment {
  const result = loadEnvironment(text);
  if (!result.ok) throw new Error(`the environment is invalid: ${JSON.stringify(result.problems)}`);
  return result.env;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`.padStart(7);
}

await main();
