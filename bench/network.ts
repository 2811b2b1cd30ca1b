/**
 * The environment's network on the two test engines (test/testbed/start-docker.sh, and
 * `TAG=real images/build.sh --network unix:///run/ds-h2.sock` for the real dns image and the
 * helper), with the seed's 13 containers spread over both:
 * - from a commit to every container answering by name: the daemon follows a local env repo; the
 *   daemon polls every second; the clock runs from the end of the push until each of the 13 names resolves through dnsmasq to
 *   its recorded address and answers a ping by that name (checked from dns1);
 * - the network's cost per container: dockstack's apply from nothing (networks, tunnels, every
 *   container at its address, tier by tier) against plain calls that do what
 *   `docker network create` and `docker run --network NET --ip ADDR` do, tier by tier with each
 *   tier's containers at once (the engines' own limit), same images (the stand-ins), in
 *   interleaved rounds. Target: at most 1.2x.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadEnvironment } from '../src/environment/load-environment.js';
import type { Environment } from '../src/environment/schema.js';
import { connectHosts } from '../src/hosts/connect-hosts.js';
import { createOptions } from '../src/hosts/create-options.js';
import { LABELS } from '../src/hosts/ownership-labels.js';
import { addressEnvironment } from '../src/network/address-environment.js';
import { networkLayout, type NetworkLayout } from '../src/network/network-layout.js';
import { INHIBIT_IPV4_OPTION } from '../src/network/plan-network.js';
import { fileSource } from '../src/pass/file-source.js';
import { runPass } from '../src/pass/run-pass.js';
import { labelsFor } from '../src/plan/labels.js';
import { loadRenderer } from '../src/render/renderer.js';
import { PREFIX, removeTestContainers, testContainers } from '../test/apply/apply-env.js';
import { startDaemon, waitFor } from '../test/daemon/daemon-process.js';
import { createRemote, git } from '../test/git/git-fixture.js';
import {
  assertNetworkImages,
  removeTestNetworks,
  removeTestVolumes,
  seedOverTwoEngines,
} from '../test/network/network-testbed.js';
import { assertTestbed, ENGINES, rawClient } from '../test/testbed/docker-testbed.js';

const ROUNDS = 3;
const TARGET_COST = 1.2;
const NAME = `bench-net-${String(process.pid)}`;

async function main(): Promise<void> {
  await assertTestbed();
  await assertNetworkImages();
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-net-'));
  const standIns = seedOverTwoEngines(NAME, PREFIX, 'latest');
  const env = loaded(standIns);
  const layout = networkLayout(env);
  if (layout === undefined) throw new Error('the seed has no network');
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
    const names = await commitToNames(dir);
    await cleanUp();

    const plain: number[] = [];
    const dockstack: number[] = [];
    const file = join(dir, 'environment.yaml');
    writeFileSync(file, standIns);
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await timed(() => plainRun(env, layout)));
      await cleanUp();
      rmSync(join(dir, 'dnsmasq'), { recursive: true, force: true });
      dockstack.push(await timed(() => dockstackApply(file)));
      await cleanUp();
    }
    const count = addressEnvironment(env, { now: Date.now() }).specs.length;
    const p = median(plain) / count;
    const d = median(dockstack) / count;
    console.log(
      `seed's ${String(count)} containers over 2 engines, median of ${String(ROUNDS)} rounds`,
    );
    console.log(
      `commit -> all ${String(count)} answer by name (daemon, real dnsmasq): ${(names / 1000).toFixed(2)} s`,
    );
    console.log('per container, from nothing:                 ms');
    console.log(`  docker network create + run --network --ip  ${p.toFixed(0)}`);
    console.log(
      `  dockstack apply (network, tunnels, tiers)   ${d.toFixed(0)}   ${(d / p).toFixed(2)}x (target <= ${TARGET_COST.toFixed(1)}x)`,
    );
  } finally {
    await cleanUp();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The daemon deploys the seed from a push; ms until every name answers (see the file's comment). */
async function commitToNames(dir: string): Promise<number> {
  const remote = createRemote(dir, { 'README.md': 'env repo\n' });
  const daemon = await startDaemon([
    '--repo',
    remote.fileUrl,
    '--workdir',
    join(dir, 'work'),
    '--interval',
    '1',
    '--drift-interval',
    '0',
  ]);
  try {
    remote.push(
      { 'environment.yaml': seedOverTwoEngines(NAME, PREFIX) },
      'The seed over two hosts',
    );
    const pushed = Date.now();
    const names = await waitFor(
      'every container answering by name',
      async () => ((await allAnswer()) ? Date.now() : undefined),
      180_000,
    );
    await waitFor('the write-back recording all 13 containers', () => {
      const record = git(remote.bare, ['log', '-1', '--format=%s', 'main']).startsWith('dockstack:')
        ? git(remote.bare, ['show', 'main:dnsmasq/dhcp-hosts'])
        : '';
      return record.split('\n').filter((l) => l.includes(`${PREFIX}-`)).length === 13
        ? true
        : undefined;
    });
    return names - pushed;
  } finally {
    await daemon.stop();
  }
}

/** True when, from dns1, every container's FQDN resolves and answers a ping. */
async function allAnswer(): Promise<boolean> {
  const all = await testContainers();
  const dns1 = all.find((c) => c.name === `${PREFIX}-dns1` && c.running);
  if (all.length < 13 || dns1 === undefined) return false;
  const script = all
    .map((c) => `busybox ping -c 1 -W 1 ${c.name}.endor.lab >/dev/null 2>&1 || exit 1`)
    .join('\n');
  const run = await rawClient(ENGINES[dns1.engine])
    .getContainer(dns1.id)
    .exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await run.start({});
  stream.resume();
  await new Promise((resolve) => stream.on('end', resolve));
  return (await run.inspect()).ExitCode === 0;
}

/** What `docker network create` and `docker run --network NET --ip ADDR` do, tier by tier. */
async function plainRun(env: Environment, layout: NetworkLayout): Promise<void> {
  const engines = { local: rawClient(ENGINES.local), h2: rawClient(ENGINES.h2) };
  await Promise.all(
    (['local', 'h2'] as const).map((host) =>
      engines[host].createNetwork({
        Name: layout.network,
        Driver: 'bridge',
        IPAM: { Config: [{ Subnet: layout.cidr, Gateway: layout.gateway }] },
        Labels: { [LABELS.environment]: NAME },
        Options: {
          'com.docker.network.bridge.name': layout.bridge,
          'com.docker.network.driver.mtu': String(layout.mtu),
          ...(host === 'local' ? {} : { [INHIBIT_IPV4_OPTION]: 'true' }),
        },
      }),
    ),
  );
  const { specs } = addressEnvironment(env, { now: Date.now() });
  const tiers = [...new Set(specs.map((s) => s.tier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    await Promise.all(
      specs
        .filter((s) => s.tier === tier)
        .map(async (spec) => {
          const docker = engines[spec.host as 'local' | 'h2'];
          const container = await docker.createContainer(
            createOptions(spec, labelsFor(spec), 'bridge'),
          );
          await container.start();
        }),
    );
  }
}

async function dockstackApply(file: string): Promise<void> {
  const pass = await runPass(
    { goal: 'apply', source: fileSource(file) },
    { connect: (e) => connectHosts(e, {}), renderer: loadRenderer() },
  );
  if (pass.stage !== 'apply' || !pass.reconciliation.result.converged) {
    throw new Error('dockstack apply did not converge');
  }
}

function loaded(text: string): Environment {
  const result = loadEnvironment(text);
  if (!result.ok) throw new Error(`the environment is invalid: ${JSON.stringify(result.problems)}`);
  return result.env;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

await main();
