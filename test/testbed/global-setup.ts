import { assertTestbed, ENGINES, removeTestContainers } from './docker-testbed.js';

/**
 * vitest globalSetup for the suites that use the Docker test bed: fails the run at once, saying
 * which script to run, when the engines are not up; then removes every test container a crashed
 * earlier run left behind.
 */
export default async function setup(): Promise<void> {
  await assertTestbed();
  for (const endpoint of Object.values(ENGINES)) await removeTestContainers(endpoint);
}
