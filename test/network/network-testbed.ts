import type Docker from 'dockerode';
import { parse, stringify } from 'yaml';

import { DEFAULT_ORDER } from '../../src/environment/tier-order.js';

import { HELPER_LABEL } from '../../src/hosts/helper-spec.js';
import { LABELS } from '../../src/hosts/ownership-labels.js';
import { HELPER_IMAGE } from '../../src/network/helper-image.js';
import { SWITCH_CONTAINER } from '../../src/network/ovs-scripts.js';
import { SEED_TEXT } from '../fixtures/render/seed-environment.js';
import { testContainers, type EngineContainer } from '../apply/apply-env.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';

/** The tag of the real dns image (dnsmasq), as `images/build.sh --network` tags it for the tests. */
export const REAL_DNS_TAG = 'real';

/** Each engine's address on the link between them: the tunnel endpoints. */
export const TUNNEL_ADDRESSES = { local: '10.200.0.1', h2: '10.200.0.2' } as const;

/** Throws, saying what to run, unless both engines hold the real dns image and the helper. */
export async function assertNetworkImages(): Promise<void> {
  for (const [name, endpoint] of Object.entries(ENGINES)) {
    for (const image of [`dns:${REAL_DNS_TAG}`, HELPER_IMAGE]) {
      try {
        await rawClient(endpoint).getImage(image).inspect();
      } catch {
        throw new Error(
          `the engine ${name} has no ${image}: run TAG=${REAL_DNS_TAG} images/build.sh --network ` +
            'unix:///run/ds-h2.sock (as root; .ci/setup does)',
        );
      }
    }
  }
}

/** Runs `command` in a helper on the engine's own network namespace, and removes the helper. */
export async function runOnHost(docker: Docker, command: string[]): Promise<void> {
  const helper = await docker.createContainer({
    Image: HELPER_IMAGE,
    Cmd: command,
    Labels: { [HELPER_LABEL]: 'true' },
    HostConfig: {
      NetworkMode: 'host',
      CapAdd: ['NET_ADMIN'],
    },
  });
  try {
    await helper.start();
    await helper.wait();
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The seed's environment file with only what the test bed needs: a `hosts:` map of the two
 * engines (with their tunnel addresses), the containers spread over them in turn, the real dns
 * image (unless `dnsTag` says another), and the names prefixed (`PREFIX-`) so the test cleanup finds them.
 */
export function seedOverTwoEngines(name: string, prefix: string, dnsTag = REAL_DNS_TAG): string {
  const raw = parse(SEED_TEXT) as {
    common: Record<string, unknown>;
    services: Record<string, Record<string, Record<string, unknown>>>;
    [key: string]: unknown;
  };
  let turn = 0;
  const services: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const service of DEFAULT_ORDER) {
    const renamed: Record<string, Record<string, unknown>> = {};
    for (const [container, settings] of Object.entries(raw.services[service] ?? {})) {
      renamed[`${prefix}-${container}`] = {
        ...settings,
        host: turn++ % 2 === 0 ? 'local' : 'h2',
        ...(service === 'dns' ? { tag: dnsTag } : {}),
      };
    }
    services[service] = renamed;
  }
  return stringify({
    name,
    ...raw,
    common: { ...raw.common, puppetServer: `${prefix}-${String(raw.common.puppetServer)}` },
    services,
    hosts: {
      local: { docker: 'unix:///var/run/docker.sock', address: TUNNEL_ADDRESSES.local },
      h2: { docker: 'tcp://10.200.0.2:2375', address: TUNNEL_ADDRESSES.h2 },
    },
  });
}

/** The environment names the network tests and benchmarks use (each with its process id). */
const TEST_ENVIRONMENTS =
  /^(net-test|seed-net|bench-net|kick-test|bench-kick|apply-test|bench-apply)-\d+$/;

/**
 * Removes the networks of the network tests and benchmarks from both engines, this run's and
 * what a crashed earlier run left (the caller removes their containers first), and VXLAN devices
 * of dockstack's naming that no bridge holds any more. A subnet left behind would make every
 * later network on it fail.
 */
export async function removeTestNetworks(): Promise<void> {
  for (const endpoint of Object.values(ENGINES)) {
    const docker = rawClient(endpoint);
    const networks = await docker.listNetworks({ filters: { label: [LABELS.environment] } });
    for (const network of networks) {
      if (!TEST_ENVIRONMENTS.test(network.Labels?.[LABELS.environment] ?? '')) continue;
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
    }
    await runOnHost(docker, [
      'sh',
      '-c',
      'for d in $(ip -j link show type vxlan | grep -o \'"ifname":"dsv-[^"]*"\' | cut -d\'"\' -f4); do ' +
        'ip -d link show dev "$d" | grep -q " master " || ip link del dev "$d"; done',
    ]);
  }
}

/**
 * Removes the volumes dockstack made for the test and benchmark environments from both engines,
 * this run's and what a crashed earlier run left (the caller removes their containers first).
 * Volumes of other environments on the engines (a developer's own) are left alone.
 */
export async function removeTestVolumes(): Promise<void> {
  for (const endpoint of Object.values(ENGINES)) {
    const docker = rawClient(endpoint);
    const { Volumes: volumes } = await docker.listVolumes({
      filters: { label: [`${LABELS.managed}=true`] },
    });
    for (const volume of volumes) {
      const labels = (volume.Labels as Record<string, string> | null) ?? {};
      if (!TEST_ENVIRONMENTS.test(labels[LABELS.environment] ?? '')) continue;
      await docker
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
    }
  }
}

/**
 * Removes the Open vSwitch containers from both engines and what outlives them in the engines'
 * network namespaces: the bridges' own devices (`dso-*`), the tunnel devices (`dsw-*`) and the
 * host ends of container ports (`dsp*`). Only the tests use the ovs driver on the test bed.
 */
export async function removeTestSwitches(): Promise<void> {
  for (const endpoint of Object.values(ENGINES)) {
    const docker = rawClient(endpoint);
    await docker
      .getContainer(SWITCH_CONTAINER)
      .remove({ force: true })
      .catch(() => undefined);
    await runOnHost(docker, [
      'sh',
      '-c',
      "for d in $(ip -o link show | sed -n 's/^[0-9]*: \\(ds[opw][-0-9a-f]*\\)[@:].*/\\1/p'); do " +
        'ip link del dev "$d" 2>/dev/null; done; true',
    ]);
  }
}

/** The test container `name`, on whichever engine runs it; throws when neither does. */
export async function findTestContainer(name: string): Promise<EngineContainer> {
  const found = (await testContainers()).find((c) => c.name === name);
  if (found === undefined) throw new Error(`${name} is not on either engine`);
  return found;
}

/** Runs `command` in the container: its exit code and its output (stdout and stderr together). */
export async function execIn(
  c: EngineContainer,
  command: string[],
): Promise<{ code: number | null; output: string }> {
  const run = await rawClient(ENGINES[c.engine])
    .getContainer(c.id)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await run.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  return { code: (await run.inspect()).ExitCode, output: Buffer.concat(chunks).toString('latin1') };
}
