import { randomBytes } from 'node:crypto';

import type { Endpoint } from '../../src/hosts/host-endpoint.js';
import { rawClient, SUITE_LABEL, TEST_LABEL } from '../testbed/docker-testbed.js';

/**
 * Removes the test networks on `endpoint` that `suite` created (their containers must be gone
 * first). Returns how many it removed.
 */
export async function removeTestNetworks(endpoint: Endpoint, suite: string): Promise<number> {
  const docker = rawClient(endpoint);
  const found = await docker.listNetworks({
    filters: { label: [`${TEST_LABEL}=1`, `${SUITE_LABEL}=${suite}`] },
  });
  for (const network of found) {
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      });
  }
  return found.length;
}

/** A bridge name of this run: `dsh<4 hex><tag>`, within Linux's 15 characters. */
export function bridgeName(tag: string): string {
  return `dsh${randomBytes(2).toString('hex')}${tag}`.slice(0, 15);
}
