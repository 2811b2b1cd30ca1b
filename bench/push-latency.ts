import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type Docker from 'dockerode';

import { git, type RemoteFixture } from '../test/git/git-fixture.js';
import type { RunningDaemon } from './built-daemon.js';
import { containerStartedAt } from './daemon-containers.js';

/** What the benchmark pushes to and watches. */
export interface PushTarget {
  remote: RemoteFixture;
  docker: Docker;
  daemon: RunningDaemon;
}

/** Milliseconds from the end of a push. */
export interface PushLatency {
  /** Until the engine recorded the added container started. */
  runningMs: number;
  /** Until the bot's commit applying the push was on the remote. */
  writtenBackMs: number;
}

const POLL_MS = 10;
const TIMEOUT_MS = 60_000;

/**
 * Pushes `environment` as a person's commit that adds the container `added`, calls `notify` at
 * once (the webhook, or nothing when the daemon polls), and times from the end of the push until
 * the container runs and until the bot's write-back commit is on the remote. Returns once the
 * daemon has finished that pass.
 */
export async function pushLatency(
  target: PushTarget,
  environment: string,
  added: string,
  notify: () => Promise<void>,
): Promise<PushLatency> {
  const pushed = target.remote.push({ 'environment.yaml': environment }, `Add ${added}`);
  const pushedAt = Date.now();
  await notify();
  const writeBack = await writeBackOf(target, pushed);
  const startedAt = await containerStartedAt(target.docker, added);
  await converged(target);
  return { runningMs: startedAt - pushedAt, writtenBackMs: writeBack.at - pushedAt };
}

/**
 * Waits until the remote's branch holds the bot's commit applying `applied`; returns it and when
 * it was first seen. Reads the branch's ref file every 10 ms (git replaces it atomically).
 */
async function writeBackOf(
  target: PushTarget,
  applied: string,
): Promise<{ sha: string; at: number }> {
  const { bare } = target.remote;
  const deadline = Date.now() + TIMEOUT_MS;
  let checked = '';
  for (;;) {
    const head = branchHead(bare);
    const at = Date.now();
    if (head !== checked) {
      checked = head;
      const trailer = git(bare, [
        'log',
        '-1',
        '--format=%(trailers:key=Dockstack-Applied,valueonly)',
        head,
      ]);
      if (trailer.trim() === applied) return { sha: head, at };
    }
    target.daemon.assertAlive();
    if (at > deadline) {
      throw new Error(`no bot commit applying ${applied.slice(0, 12)} within ${TIMEOUT_MS} ms`);
    }
    await sleep(POLL_MS);
  }
}

/** Waits until the daemon has finished a pass at the remote's head and reports no problem. */
export async function converged(target: PushTarget): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const status = (await (await fetch(`${target.daemon.base}/api/status`)).json()) as {
      head: string | null;
      degraded: string | null;
    };
    if (status.head === branchHead(target.remote.bare) && status.degraded === null) return;
    target.daemon.assertAlive();
    if (Date.now() > deadline) {
      throw new Error(
        `the daemon did not converge within ${TIMEOUT_MS} ms: ${JSON.stringify(status)}`,
      );
    }
    await sleep(50);
  }
}

function branchHead(bare: string): string {
  try {
    return readFileSync(join(bare, 'refs', 'heads', 'main'), 'utf8').trim();
  } catch {
    // Packed by a `git gc`: ask git.
    return git(bare, ['rev-parse', 'refs/heads/main']);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
