/**
 * The ovs driver on the two test engines (test/testbed/start-docker.sh, and
 * `TAG=real images/build.sh --network unix:///run/ds-h2.sock` for the real dns image and the
 * helper), the seed's 13 containers spread over both, the dns containers real (DHCP needs them):
 * - wiring the seed from nothing (switches already running): dockstack's apply with the ovs
 *   driver, beside the same apply with the bridge driver, beside what a person would run by hand:
 *   `docker run --network none` tier by tier and, per container, the same `ip`/`ovs-vsctl`/DHCP
 *   commands through `docker exec` in the switch (the dhcp-hosts file put into the dns
 *   containers first). Target: ovs within 1.3x of the hand-run commands.
 * - one container added to the running seed, the same three ways.
 * - `docker restart` of a container that gets its address by DHCP, with the daemon following the
 *   engines: until it answers a ping by name from the other engine.
 * Interleaved rounds; medians.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Docker from 'dockerode';
import { parse, stringify } from 'yaml';

import type { ContainerSpec } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';
import { connectHosts } from '../src/hosts/connect-hosts.js';
import { createOptions } from '../src/hosts/create-options.js';
import { addressEnvironment } from '../src/network/address-environment.js';
import { networkLayout } from '../src/network/network-layout.js';
import { SWITCH_CONTAINER, wireScript } from '../src/network/ovs-scripts.js';
import { fileSource } from '../src/pass/file-source.js';
import { runPass } from '../src/pass/run-pass.js';
import { labelsFor } from '../src/plan/labels.js';
import { loadRenderer } from '../src/render/renderer.js';
import { PREFIX, removeTestContainers, testContainers } from '../test/apply/apply-env.js';
import { startDaemon, waitFor } from '../test/daemon/daemon-process.js';
import { createRemote } from '../test/git/git-fixture.js';
import {
  assertNetworkImages,
  removeTestNetworks,
  removeTestVolumes,
  removeTestSwitches,
  seedOverTwoEngines,
} from '../test/network/network-testbed.js';
import { assertTestbed, ENGINES, rawClient } from '../test/testbed/docker-testbed.js';

const ROUNDS = 3;
const TARGET = 1.3;
const NAME = `bench-net-${String(process.pid)}`;
const ADDED = `${PREFIX}-webui9`;
type Engine = 'local' | 'h2';

async function main(): Promise<void> {
  await assertTestbed();
  await assertNetworkImages();
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-ovs-'));
  const file = join(dir, 'environment.yaml');
  const seed = (driver: 'ovs' | 'bridge', extra = false) => {
    const env = parse(seedOverTwoEngines(NAME, PREFIX)) as {
      services: Record<string, Record<string, unknown>>;
    };
    if (extra) env.services.webui = { ...env.services.webui, [ADDED]: { host: 'h2' } };
    return stringify({ ...env, network: { driver } });
  };
  const cleanUp = async (switches: boolean) => {
    await removeTestContainers();
    await removeTestNetworks();
    await removeTestVolumes();
    if (switches) await removeTestSwitches();
  };
  process.once('SIGINT', () => {
    void cleanUp(true).finally(() => process.exit(130));
  });
  const times = { ovs: [] as number[], bridge: [] as number[], hand: [] as number[] };
  const one = { ovs: [] as number[], bridge: [] as number[], hand: [] as number[] };
  try {
    await cleanUp(true);
    // The switches are made once, as on a host that runs them already.
    writeFileSync(file, seed('ovs'));
    await apply(dir, file);
    await cleanUp(false);
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of ['hand', 'ovs', 'bridge'] as const) {
        rmSync(join(dir, 'dnsmasq'), { recursive: true, force: true });
        const text = seed(way === 'bridge' ? 'bridge' : 'ovs');
        writeFileSync(file, text);
        times[way].push(await timed(() => (way === 'hand' ? byHand(text) : apply(dir, file))));
        const withOne = seed(way === 'bridge' ? 'bridge' : 'ovs', true);
        writeFileSync(file, withOne);
        one[way].push(
          await timed(() => (way === 'hand' ? byHand(withOne, ADDED) : apply(dir, file))),
        );
        await cleanUp(false);
      }
    }
    const restart = await restartToAnswer(dir, seed('ovs'));
    const m = (values: number[]) => median(values);
    const ratio = (values: number[], of: number[]) => (m(values) / m(of)).toFixed(2);
    console.log(`ovs driver: the seed's 13 containers over 2 engines, median of ${String(ROUNDS)}`);
    console.log('                                        seed (13)   one added');
    const row = (label: string, a: number[], b: number[], note = '') => {
      console.log(`  ${label.padEnd(38)}${s(m(a)).padEnd(12)}${s(m(b)).padEnd(10)}${note}`);
    };
    row('by hand: run --network none + ip/ovs', times.hand, one.hand);
    row(
      'dockstack apply, ovs driver',
      times.ovs,
      one.ovs,
      `${ratio(times.ovs, times.hand)}x / ${ratio(one.ovs, one.hand)}x (target <= ` +
        `${TARGET.toFixed(1)}x: ${m(times.ovs) <= TARGET * m(times.hand) && m(one.ovs) <= TARGET * m(one.hand) ? 'met' : 'MISSED'})`,
    );
    row('dockstack apply, bridge driver', times.bridge, one.bridge);
    console.log(
      `docker restart -> answers by name again (daemon following the engines): ${s(restart)}`,
    );
  } finally {
    await cleanUp(true);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function apply(dir: string, file: string): Promise<void> {
  const pass = await runPass(
    { goal: 'apply', source: fileSource(file) },
    { connect: (e) => connectHosts(e, {}), renderer: loadRenderer() },
  );
  if (pass.stage !== 'apply' || !pass.reconciliation.result.converged) {
    const failed = pass.stage === 'apply' ? pass.reconciliation.result.steps : [];
    throw new Error(`dockstack apply did not converge in ${dir}: ${JSON.stringify(failed)}`);
  }
}

/**
 * What a person runs for the containers of `text` (only `only` when given): `docker run
 * --network none`, tier by tier, each wired at once with the commands dockstack runs, through
 * `docker exec` in the switch; the dhcp-hosts lines put into the dns containers first.
 */
async function byHand(text: string, only?: string): Promise<void> {
  const loaded = loadEnvironment(text);
  if (!loaded.ok) throw new Error('the benchmark environment is invalid');
  const layout = networkLayout(loaded.env);
  const { specs } = addressEnvironment(loaded.env, { layout, now: Date.now() });
  const engines = { local: rawClient(ENGINES.local), h2: rawClient(ENGINES.h2) };
  const dhcpHosts = specs
    .map(
      (spec) =>
        `${spec.macAddress ?? ''},${spec.name},${(spec.ipaddress ?? '').split('/')[0] ?? ''}`,
    )
    .join('\n');
  const chosen = specs.filter((spec) => only === undefined || spec.name === only);
  const tiers = [...new Set(chosen.map((spec) => spec.tier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    await Promise.all(
      chosen
        .filter((spec) => spec.tier === tier)
        .map(async (spec) => {
          const docker = engines[spec.host as Engine];
          const container = await docker.createContainer(
            createOptions(spec, labelsFor(spec), 'none'),
          );
          await container.start();
          if (spec.service === 'dns' || only !== undefined) {
            await feedDns(engines, dhcpHosts);
          }
          const pid = (await container.inspect()).State.Pid;
          await run(docker, SWITCH_CONTAINER, ['sh', '-c', wire(spec, pid)]);
        }),
    );
  }
}

function wire(spec: ContainerSpec, pid: number): string {
  const wiring = spec.wiring;
  if (wiring === undefined || spec.macAddress === undefined || spec.ipaddress === undefined) {
    throw new Error(`${spec.name} is not on the ovs driver`);
  }
  return wireScript({
    bridge: wiring.bridge,
    port: wiring.port,
    environment: spec.environment,
    container: spec.name,
    pid,
    mac: spec.macAddress,
    mtu: wiring.mtu,
    ...(wiring.dhcp
      ? {}
      : { static: { address: spec.ipaddress, gateway: spec.gateway ?? spec.ipaddress } }),
  });
}

/** The dhcp-hosts file written into every running dns container, then a SIGHUP. */
async function feedDns(engines: Record<Engine, Docker>, dhcpHosts: string): Promise<void> {
  for (const c of await testContainers()) {
    if (!c.name.includes('dns') || !c.running) continue;
    const write = `printf '%s\\n' "$1" > /etc/dockstack/dnsmasq/dhcp-hosts`;
    await run(engines[c.engine], c.id, ['sh', '-c', write, 'sh', dhcpHosts]);
    await engines[c.engine].getContainer(c.id).kill({ signal: 'HUP' });
  }
}

/** The daemon keeps the seed; ms from a `docker restart` of a DHCP container to a ping by name. */
async function restartToAnswer(dir: string, text: string): Promise<number> {
  mkdirSync(join(dir, 'git'));
  const remote = createRemote(join(dir, 'git'), { 'environment.yaml': text });
  const daemon = await startDaemon(['--repo', remote.fileUrl, '--workdir', join(dir, 'work')]);
  try {
    const all = () => testContainers();
    await waitFor(
      'the seed applied',
      async () => ((await all()).length === 13 ? true : undefined),
      180_000,
    );
    const found = await all();
    const target = found.find((c) => c.name === `${PREFIX}-webui1`);
    const from = found.find((c) => c.name === `${PREFIX}-gal1`);
    if (target === undefined || from === undefined) throw new Error('webui1 or gal1 missing');
    const ping = `busybox ping -c 1 -W 1 ${target.name}.endor.lab >/dev/null`;
    await waitFor(
      'webui1 answering',
      async () =>
        (await run(rawClient(ENGINES[from.engine]), from.id, ['sh', '-c', ping], false)) === 0
          ? true
          : undefined,
      60_000,
    );
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await rawClient(ENGINES[target.engine]).getContainer(target.id).restart({ t: 1 });
      const restarted = performance.now();
      await waitFor(
        'webui1 answering again',
        async () =>
          (await run(rawClient(ENGINES[from.engine]), from.id, ['sh', '-c', ping], false)) === 0
            ? true
            : undefined,
        60_000,
      );
      times.push(performance.now() - restarted);
    }
    return median(times);
  } finally {
    await daemon.stop();
  }
}

/** Runs `command` in container `id`; throws on a non-zero exit unless `check` is false. */
async function run(docker: Docker, id: string, command: string[], check = true): Promise<number> {
  const exec = await docker
    .getContainer(id)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  const code = (await exec.inspect()).ExitCode ?? -1;
  if (check && code !== 0) {
    throw new Error(
      `${command.join(' ').slice(0, 60)} failed (${String(code)}): ${Buffer.concat(chunks).toString('latin1').slice(-300)}`,
    );
  }
  return code;
}

async function timed(task: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

await main();
