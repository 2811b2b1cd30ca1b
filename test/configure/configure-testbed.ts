import { parse, stringify } from 'yaml';

import { PREFIX, testContainers } from '../apply/apply-env.js';
import { REAL_DNS_TAG, seedOverTwoEngines } from '../network/network-testbed.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';

/** The tag of the real application images, as `TAG=real images/build.sh --app` tags them. */
export const REAL_APP_TAG = REAL_DNS_TAG;

/** The real application images the configure tests run. */
export const CONFIGURE_IMAGES = ['puppet', 'galera'] as const;

/** Throws, saying what to run, unless both engines hold the real puppet and galera images. */
export async function assertAppImages(): Promise<void> {
  for (const [name, endpoint] of Object.entries(ENGINES)) {
    for (const service of CONFIGURE_IMAGES) {
      const image = `${service}:${REAL_APP_TAG}`;
      try {
        await rawClient(endpoint).getImage(image).inspect();
      } catch {
        throw new Error(
          `the engine ${name} has no ${image}: run APP_SERVICES="${CONFIGURE_IMAGES.join(' ')}" ` +
            `TAG=${REAL_APP_TAG} images/build.sh --app unix:///run/ds-h2.sock (as root; .ci/setup does)`,
        );
      }
    }
  }
}

/**
 * A Galera environment over the two engines, from the seed's file: dns1 (real dnsmasq) and
 * puppet1 (a real puppet server) on the local engine, the galera members given (real MariaDB
 * with Galera), each on the engine named, names prefixed (`PREFIX-`).
 */
export function galeraEnvironment(name: string, members: Record<string, 'local' | 'h2'>): string {
  const raw = parse(seedOverTwoEngines(name, PREFIX)) as {
    services: Record<string, Record<string, Record<string, unknown>>>;
    registered_services?: unknown;
    [key: string]: unknown;
  };
  const only = (service: string, short: string) => {
    const settings = raw.services[service]?.[`${PREFIX}-${short}`] ?? {};
    return { [`${PREFIX}-${short}`]: { ...settings, host: 'local', tag: REAL_APP_TAG } };
  };
  const galera: Record<string, Record<string, unknown>> = {};
  for (const [member, host] of Object.entries(members)) {
    galera[`${PREFIX}-${member}`] = { host, tag: REAL_APP_TAG };
  }
  const dns = only('dns', 'dns1');
  delete raw.registered_services;
  return stringify({
    ...raw,
    services: { dns: dns, puppet: only('puppet', 'puppet1'), galera },
  });
}

/** Runs SQL in a galera container through the socket (root) and returns the output, trimmed. */
export async function sql(container: string, query: string): Promise<string> {
  const found = (await testContainers()).find((c) => c.name === `${PREFIX}-${container}`);
  if (found === undefined) throw new Error(`${container} is not there`);
  const exec = await rawClient(ENGINES[found.engine])
    .getContainer(found.id)
    .exec({ Cmd: ['mariadb', '-Nse', query], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  // The multiplexed stream: an 8-byte header before each frame.
  const raw = Buffer.concat(chunks);
  let text = '';
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text.trim();
}

/** `wsrep_cluster_size` as a member sees it; undefined while it does not answer. */
export async function clusterSize(container: string): Promise<number | undefined> {
  const answer = await sql(container, "SHOW STATUS LIKE 'wsrep_cluster_size'").catch(() => '');
  const size = /wsrep_cluster_size\s+(\d+)/.exec(answer)?.[1];
  return size === undefined ? undefined : Number(size);
}
