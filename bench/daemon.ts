/**
 * The daemon end to end: `dockstack daemon` built from the current source, run as its own process
 * against the local engine and an env repo served over git's smart HTTP protocol on loopback.
 * - push + webhook: a commit adding one container is pushed and POST /webhooks/push sent at once;
 *   timed from the end of the push until the container runs and until the bot's write-back commit
 *   is on the remote, next to the engine's own create+start of such a container (same request,
 *   measured before each push);
 * - push + polling: the same without the webhook, the daemon polling every second;
 * - idle: the converged daemon polling at its default interval; its RSS and CPU over 60 s.
 * Prints medians next to the targets: overhead (latency - create+start) under 1 s, plus the
 * interval when polling; idle under 100 MB and under 1% of one core.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Docker from 'dockerode';

import { createRemote } from '../test/git/git-fixture.js';
import { startGitHttpServer } from '../test/gitserver/git-http-server.js';
import { LOCAL, rawClient } from '../test/testbed/docker-testbed.js';
import { buildCli, startBuiltDaemon } from './built-daemon.js';
import { cleanupStack, type CleanupStack } from './cleanup-stack.js';
import {
  assertLocalEngine,
  engineCreateStart,
  processAlive,
  removeBenchContainers,
} from './daemon-containers.js';
import { daemonBenchNames, environmentYaml, localSpecs } from './daemon-environment.js';
import { sampleUsage } from './process-usage.js';
import { converged, pushLatency, type PushTarget } from './push-latency.js';
import { idleRows, latencyRows, seconds, type Rounds } from './daemon-report.js';

const ROUNDS = 5;
const IDLE_MS = 60_000;
/** The daemon's default polling interval, given explicitly. */
const DEFAULT_INTERVAL_S = 30;
const POLL_INTERVAL_S = 1;
const TARGET_OVERHEAD_MS = 1000;
const TARGET_RSS_MB = 100;
const TARGET_CPU_PERCENT = 1;
const LABEL = 'bench/daemon';

async function main(): Promise<void> {
  const docker = rawClient(LOCAL);
  await assertLocalEngine(docker);
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-daemon-'));
  const cleanups = cleanupStack(LABEL);
  cleanups.add(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  cleanups.add(() => removeBenchContainers(docker, (pid) => pid === process.pid));
  cleanUpOnSignal(cleanups);
  let lines: string[];
  try {
    lines = await measure(docker, dir, cleanups);
  } finally {
    await cleanups.run();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function measure(docker: Docker, dir: string, cleanups: CleanupStack): Promise<string[]> {
  const stale = await removeBenchContainers(docker, (pid) => !processAlive(pid));
  if (stale > 0) console.error(`${LABEL}: removed ${stale} containers of earlier runs`);
  const names = daemonBenchNames();
  const cliDir = join(dir, 'cli');
  const gitRoot = join(dir, 'git');
  mkdirSync(cliDir);
  mkdirSync(gitRoot);
  const cli = buildCli(cliDir);

  const webuis: string[] = [];
  const environment = () =>
    environmentYaml(names.environment, { dns: [`${names.prefix}dns1`], webui: webuis });
  const remote = createRemote(gitRoot, { 'environment.yaml': environment() });
  const server = await startGitHttpServer(gitRoot);
  cleanups.add(() => server.stop());
  const token = randomBytes(24).toString('hex');
  const engineSpecs = localSpecs(names.engineEnvironment, {
    webui: Array.from({ length: 2 * ROUNDS }, (_, i) => `${names.prefix}engine${String(i + 1)}`),
  });

  const startDaemon = async (intervalSeconds: number, webhook: boolean): Promise<PushTarget> => {
    const args = ['--repo', server.url('env.git'), '--workdir', join(dir, 'work')];
    const daemon = await startBuiltDaemon(cli, [...args, '--interval', String(intervalSeconds)], {
      DOCKSTACK_WEBHOOK_TOKEN: webhook ? token : '',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    });
    cleanups.add(() => daemon.stop());
    const target = { remote, docker, daemon };
    await converged(target);
    return target;
  };
  /** `phaseMs`: a random wait before each push, so that pushes land anywhere in a poll interval. */
  const rounds = async (
    target: PushTarget,
    what: string,
    notify: () => Promise<void>,
    phaseMs = 0,
  ) => {
    const done: Rounds = { engine: [], running: [], writtenBack: [] };
    for (let i = 0; i < ROUNDS; i++) {
      const spec = engineSpecs[webuis.length];
      if (spec === undefined) throw new Error('out of reference container names');
      done.engine.push(await engineCreateStart(docker, spec));
      const added = `${names.prefix}webui${String(webuis.length + 1)}`;
      webuis.push(added);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * phaseMs));
      const latency = await pushLatency(target, environment(), added, notify);
      done.running.push(latency.runningMs);
      done.writtenBack.push(latency.writtenBackMs);
      console.error(
        `${LABEL}: ${what} ${String(i + 1)}/${String(ROUNDS)}: engine ${seconds(done.engine[i])}, ` +
          `running ${seconds(latency.runningMs)}, written back ${seconds(latency.writtenBackMs)}`,
      );
    }
    return done;
  };

  const withWebhook = await startDaemon(DEFAULT_INTERVAL_S, true);
  const webhook = await rounds(withWebhook, 'webhook', async () => {
    const response = await fetch(`${withWebhook.daemon.base}/webhooks/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 202) throw new Error(`the webhook answered ${response.status}`);
  });
  console.error(`${LABEL}: idle for ${String(IDLE_MS / 1000)} s`);
  const idle = await sampleUsage(withWebhook.daemon.pid, IDLE_MS, () => {
    withWebhook.daemon.assertAlive();
  });
  await withWebhook.daemon.stop();

  const polling = await startDaemon(POLL_INTERVAL_S, false);
  const polled = await rounds(polling, 'polling', () => Promise.resolve(), POLL_INTERVAL_S * 1000);
  await polling.daemon.stop();

  return [
    `daemon: dockstack daemon (built from source) on the local engine, env repo over git smart ` +
      `HTTP on loopback; medians of ${String(ROUNDS)} (min-max)`,
    ...latencyRows('push + webhook', webhook, TARGET_OVERHEAD_MS, 'target < 1 s'),
    ...latencyRows(
      `push, polling every ${String(POLL_INTERVAL_S)} s`,
      polled,
      TARGET_OVERHEAD_MS + POLL_INTERVAL_S * 1000,
      `target < 1 s + the ${String(POLL_INTERVAL_S)} s interval`,
    ),
    `idle: converged, polling every ${String(DEFAULT_INTERVAL_S)} s (the default), sampled every ` +
      `1 s for ${idle.seconds.toFixed(0)} s`,
    ...idleRows(idle, { rssMb: TARGET_RSS_MB, cpuPercent: TARGET_CPU_PERCENT }),
  ];
}

/** Ctrl-C or a kill stops the daemon and the git server and removes the containers and files. */
function cleanUpOnSignal(cleanups: CleanupStack): void {
  let stopping = false;
  // A Ctrl-C reaches this process twice: from the terminal and relayed by tsx.
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${LABEL}: ${signal}: cleaning up`);
    void cleanups.run().finally(() => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`${LABEL}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
