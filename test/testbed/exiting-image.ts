import { Readable } from 'node:stream';

import { tarArchive } from '../../src/hosts/tar-archive.js';
import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { rawClient } from './docker-testbed.js';

/** What the image's process prints before it exits. */
export const EXITING_LINE = 'the new image cannot start';

/**
 * Builds `ref` on the engine: the test bed's small `healthy` image whose process prints
 * EXITING_LINE on stderr and exits with 3 at once, as a broken release would.
 */
export async function buildExitingImage(endpoint: Endpoint, ref: string): Promise<void> {
  const docker = rawClient(endpoint);
  const dockerfile = `FROM healthy:latest\nCMD ["/bin/sh", "-c", "echo ${EXITING_LINE} >&2; exit 3"]\n`;
  const context = tarArchive([{ path: 'Dockerfile', content: dockerfile, mode: 0o644 }]);
  const stream = await docker.buildImage(Readable.from([context]), { t: ref });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}
