import { afterAll, beforeAll, beforeEach } from 'vitest';

import { assertTestbed } from './docker-testbed.js';

export interface TestbedHooks {
  /** Runs once before the suite's tests, only when the test bed is up. */
  setup?: () => Promise<unknown>;
  /** Runs once after them, whenever setup was started. */
  teardown?: () => Promise<unknown>;
  /** How long setup may take; the configured hook timeout unless given. */
  setupTimeoutMs?: number;
}

/**
 * Makes the current suite need the Docker test bed. When it is not up, every test of the suite
 * fails (none is skipped) with the message saying which script to run, and neither setup nor
 * teardown runs, so nothing is sent to an engine that is not there. A failed setup fails every
 * test the same way.
 */
export function useTestbed(hooks: TestbedHooks = {}): void {
  let problem: Error | undefined;
  let started = false;
  beforeAll(async () => {
    try {
      await assertTestbed();
      started = true;
      await hooks.setup?.();
    } catch (error) {
      problem = error instanceof Error ? error : new Error(String(error));
    }
  }, hooks.setupTimeoutMs);
  beforeEach(() => {
    if (problem !== undefined) throw problem;
  });
  afterAll(async () => {
    if (started) await hooks.teardown?.();
  });
}
