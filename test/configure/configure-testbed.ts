import { parse, stringify } from 'yaml';

import { DEFAULT_ORDER } from '../../src/environment/tier-order.js';
import { LABELS } from '../../src/hosts/ownership-labels.js';
import { OutputCollector } from '../../src/hosts/output-collector.js';
import { DNS_SERVICE } from '../../src/network/address-environment.js';
import { PREFIX, removeTestContainers, testContainers } from '../apply/apply-env.js';
import {
  assertNetworkImages,
  REAL_DNS_TAG,
  removeTestNetworks,
  removeTestVolumes,
  seedOverTwoEngines,
} from '../network/network-testbed.js';
import { execIn, findTestContainer } from '../network/network-testbed.js';
import { ENGINES, rawClient, TEST_LABEL } from '../testbed/docker-testbed.js';

/** The tag of the real application images, as `TAG=real images/build.sh --app` tags them. */
export const REAL_APP_TAG = REAL_DNS_TAG;

/** The real application images the configure tests run: every service's but dns (a network image). */
export const CONFIGURE_IMAGES = DEFAULT_ORDER.filter((service) => service !== DNS_SERVICE);

/** Throws, saying what to run, unless both engines hold the real images the tests run. */
export async function assertAppImages(): Promise<void> {
  for (const [name, endpoint] of Object.entries(ENGINES)) {
    for (const service of CONFIGURE_IMAGES) {
      const image = `${service}:${REAL_APP_TAG}`;
      try {
        await rawClient(endpoint).getImage(image).inspect();
      } catch {
        throw new Error(
          `the engine ${name} has no ${image}: run TAG=${REAL_APP_TAG} images/build.sh --app ` +
            'unix:///run/ds-h2.sock (as root; .ci/setup does)',
        );
      }
    }
  }
}

/**
 * Before a configure test starts its daemon: the images are there (or it fails saying what to
 * run), and no test container or network of an earlier run is left.
 */
export async function readyForRealImages(): Promise<void> {
  await assertNetworkImages();
  await assertAppImages();
  await removeTestContainers();
  await removeTestNetworks();
  await removeTestVolumes();
}

/** Where each container of a service runs: short name (without `PREFIX-`) to engine. */
export type Placement = Record<string, Record<string, 'local' | 'h2'>>;

/**
 * An environment over the two engines, from the seed's file, with the real images: the
 * containers given, by service, each on the engine named, with the seed's own settings (the dns
 * containers' addresses); dns1 (real dnsmasq) and puppet1 (a real puppet server) on the local
 * engine unless `services` places the dns or puppet service itself; names prefixed (`PREFIX-`);
 * `common` set over the seed's; each service's image at REAL_APP_TAG, or at the tag `tags` gives.
 */
export function realEnvironment(
  name: string,
  services: Placement,
  common: Record<string, unknown> = {},
  tags: Record<string, string> = {},
): string {
  const raw = parse(seedOverTwoEngines(name, PREFIX)) as {
    common: Record<string, unknown>;
    services: Record<string, Record<string, Record<string, unknown>>>;
    registered_services?: unknown;
    [key: string]: unknown;
  };
  raw.common = { ...raw.common, ...common };
  const placed: Placement = { dns: { dns1: 'local' }, puppet: { puppet1: 'local' }, ...services };
  const chosen: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [service, containers] of Object.entries(placed)) {
    chosen[service] = {};
    for (const [short, host] of Object.entries(containers)) {
      const seed = raw.services[service]?.[`${PREFIX}-${short}`] ?? {};
      const tag = tags[service] ?? REAL_APP_TAG;
      chosen[service][`${PREFIX}-${short}`] = { ...seed, host, tag };
    }
  }
  delete raw.registered_services;
  return stringify({ ...raw, services: chosen });
}

/** The seed's dns1 and puppet1 with the galera members given (see realEnvironment). */
export function galeraEnvironment(
  name: string,
  members: Record<string, 'local' | 'h2'>,
  tag: string = REAL_APP_TAG,
): string {
  return realEnvironment(name, { galera: members }, {}, { galera: tag });
}

/**
 * Gives a real image a second tag on both engines (the same image under a new name: what a
 * commit that moves a service to a new tag asks for); returns how to take the tag off again.
 */
export async function tagRealImage(service: string, tag: string): Promise<() => Promise<void>> {
  for (const endpoint of Object.values(ENGINES)) {
    await rawClient(endpoint).getImage(`${service}:${REAL_APP_TAG}`).tag({ repo: service, tag });
  }
  return async () => {
    for (const endpoint of Object.values(ENGINES)) {
      await rawClient(endpoint)
        .getImage(`${service}:${tag}`)
        .remove({ noprune: true })
        .catch(() => undefined);
    }
  };
}

/** Runs `command` in a test container and returns its output (stdout and stderr), trimmed. */
export async function execText(container: string, command: string[]): Promise<string> {
  const found = await findTestContainer(`${PREFIX}-${container}`);
  const exec = await rawClient(ENGINES[found.engine])
    .getContainer(found.id)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  return demultiplexed(Buffer.concat(chunks)).trim();
}

/** The text of a multiplexed output stream: an 8-byte header before each frame. */
function demultiplexed(raw: Buffer): string {
  let text = '';
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

/**
 * Runs SQL in a galera container through the socket (root) and returns the output, trimmed; a
 * server that does not answer within 10 s (still starting) gives what the client printed by then.
 */
export function sql(container: string, query: string): Promise<string> {
  return execText(container, ['timeout', '10', 'mariadb', '-Nse', query]);
}

/** `wsrep_cluster_size` as a member sees it; undefined while it does not answer. */
export async function clusterSize(container: string): Promise<number | undefined> {
  const answer = await sql(container, "SHOW STATUS LIKE 'wsrep_cluster_size'").catch(() => '');
  const size = /wsrep_cluster_size\s+(\d+)/.exec(answer)?.[1];
  return size === undefined ? undefined : Number(size);
}

/** `wsrep_cluster_state_uuid` as a member sees it: which cluster's history it holds. */
export async function clusterUuid(container: string): Promise<string> {
  const answer = await sql(container, "SHOW STATUS LIKE 'wsrep_cluster_state_uuid'");
  return answer.split(/\s+/)[1] ?? '';
}

/** Starts `command` in a test container and leaves it running there (`docker exec -d`). */
export async function execDetached(container: string, command: string[]): Promise<void> {
  const found = await findTestContainer(`${PREFIX}-${container}`);
  const exec = await rawClient(ENGINES[found.engine])
    .getContainer(found.id)
    .exec({ Cmd: command, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
}

/** Runs `command` in a test container: its exit code and its output. */
export async function execRun(
  container: string,
  command: string[],
): Promise<{ code: number | null; output: string }> {
  return execIn(await findTestContainer(`${PREFIX}-${container}`), command);
}

/** What the engine says of a test container's health; undefined while it is not there. */
export async function healthOf(name: string): Promise<string | undefined> {
  const found = (await testContainers()).find((c) => c.name === name);
  if (found === undefined) return undefined;
  const info = await rawClient(ENGINES[found.engine]).getContainer(found.id).inspect();
  return info.State.Health?.Status;
}

/**
 * The text of `file` in the named volume on `engine`, read by a short-lived container of the test
 * bed's busybox image; the volume is mounted read-only.
 */
export async function fileInVolume(
  engine: keyof typeof ENGINES,
  volume: string,
  file: string,
): Promise<string> {
  const docker = rawClient(ENGINES[engine]);
  const reader = await docker.createContainer({
    Image: 'healthy:latest',
    Cmd: ['cat', `/volume/${file}`],
    Labels: { [TEST_LABEL]: '1' },
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/volume', ReadOnly: true }] },
  });
  try {
    await reader.start();
    await reader.wait();
    const collector = new OutputCollector();
    collector.push(await reader.logs({ stdout: true, stderr: false, follow: false }));
    return collector.output().stdout.trim();
  } finally {
    await reader.remove({ force: true });
  }
}

/**
 * Removes a container by hand, as a person or a crash would (`docker rm -f`); with `volumes`, its
 * volumes too, as when its host is lost with its data.
 */
export async function removeByHand(
  name: string,
  options: { volumes?: boolean } = {},
): Promise<void> {
  const found = (await testContainers()).find((c) => c.name === name);
  if (found === undefined) throw new Error(`${name} is not there`);
  const docker = rawClient(ENGINES[found.engine]);
  await docker.getContainer(found.id).remove({ force: true });
  if (options.volumes !== true) return;
  const { Volumes: volumes } = await docker.listVolumes({
    filters: { label: [`${LABELS.container}=${name}`] },
  });
  for (const volume of volumes) await docker.getVolume(volume.Name).remove();
}
