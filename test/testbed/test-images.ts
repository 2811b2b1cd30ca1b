import { Readable } from 'node:stream';

import { tarArchive } from '../../src/hosts/tar-archive.js';
import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { rawClient } from './docker-testbed.js';

/** Builds `ref` on the engine from `dockerfile` alone (no other file in its context). */
export async function buildTestImage(
  endpoint: Endpoint,
  ref: string,
  dockerfile: string,
): Promise<void> {
  const docker = rawClient(endpoint);
  const context = tarArchive([{ path: 'Dockerfile', content: dockerfile, mode: 0o644 }]);
  const stream = await docker.buildImage(Readable.from([context]), { t: ref });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/** What the exiting image's process prints before it exits. */
export const EXITING_LINE = 'the new image cannot start';

/**
 * Builds `ref` on the engine: the test bed's small `healthy` image whose process prints
 * EXITING_LINE on stderr and exits with 3 at once, as a broken release would.
 */
export function buildExitingImage(endpoint: Endpoint, ref: string): Promise<void> {
  return buildTestImage(
    endpoint,
    ref,
    `FROM healthy:latest\nCMD ["/bin/sh", "-c", "echo ${EXITING_LINE} >&2; exit 3"]\n`,
  );
}
