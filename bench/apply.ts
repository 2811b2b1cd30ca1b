/**
 * The apply engine against the two test engines (test/testbed/start-docker.sh): the seed's ten
 * services x 4 containers over 2 hosts deployed from nothing, tier by tier, three ways side by side,
 * in interleaved rounds: plain tiered create+start calls through dockerode (the engines' own limit
 * for that order), docker-compose up -d (one project per host, depends_on giving the tiers), and
 * dockstack's reconcile. Then a no-op reconcile of 200 running containers. Prints medians next to
 * the targets: dockstack within 1.10x of plain calls and at most 0.95x of compose; a no-op under
 * 300 ms with no write request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { HostRequest } from '../src/hosts/dockerode-host.js';
import {
  assertNoForeignManaged,
  connectEngines,
  expectRunning,
  removeBenchContainers,
  type Engines,
} from './bench-engines.js';
import { workload, type Workload } from './bench-workload.js';
import { composeUp, composeVersion, writeComposeFiles } from './compose-up.js';
import { dockstackApply } from './dockstack-apply.js';
import { plainTiered } from './plain-tiered.js';

const ROUNDS = 3;
const APPLY_PER_SERVICE = 4;
const NOOP_PER_SERVICE = 20;
const NOOP_RUNS = 5;
const TARGET_VS_PLAIN = 1.1;
const TARGET_VS_COMPOSE = 0.95;
const TARGET_NOOP_MS = 300;
/** Measured earlier on these machines, for the same 40 containers. */
const EARLIER = { plain: 5.7, compose: 6.6 };

type Approach = 'plain' | 'compose' | 'dockstack';

async function main(): Promise<void> {
  const engines = await connectEngines();
  const compose = await composeVersion();
  const apply = workload(APPLY_PER_SERVICE);
  const noop = workload(NOOP_PER_SERVICE);
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-'));
  const lines: string[] = [];
  cleanUpOnSignal(engines);
  try {
    await removeBenchContainers(engines);
    const files = writeComposeFiles(apply, dir);
    let requests: HostRequest[] = [];
    const run: Record<Approach, () => Promise<unknown>> = {
      plain: () => plainTiered(engines, apply),
      compose: () => composeUp(files),
      dockstack: () => {
        requests = [];
        return dockstackApply(apply, (r) => requests.push(r));
      },
    };
    // Checked before each dockstack run, outside its timing.
    const prepare = (approach: Approach) =>
      approach === 'dockstack' ? assertNoForeignManaged(engines) : Promise.resolve();
    const samples: Record<Approach, number[]> = { plain: [], compose: [], dockstack: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const approach of ['plain', 'compose', 'dockstack'] as const) {
        samples[approach].push(
          await measured(engines, apply, approach, run[approach], () => prepare(approach)),
        );
      }
      const times = (['plain', 'compose', 'dockstack'] as const).map(
        (a) => `${a} ${seconds(samples[a][round - 1] ?? NaN)}`,
      );
      console.error(`apply round ${round}/${ROUNDS}: ${times.join(', ')}`);
    }
    lines.push(...applyTable(apply, samples, compose, requests));

    await assertNoForeignManaged(engines);
    const deployStart = performance.now();
    await dockstackApply(noop);
    const deployMs = performance.now() - deployStart;
    await expectRunning(engines, noop.specs.length, 'deploying the no-op workload');
    lines.push(...(await noopTable(engines, noop, deployMs)));
  } finally {
    await removeBenchContainers(engines);
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Ctrl-C or a kill removes the benchmark's containers before exiting. A call in flight may still
 * create one afterwards; the next run removes such leftovers first.
 */
function cleanUpOnSignal(engines: Engines): void {
  let stopping = false;
  // A Ctrl-C reaches this process twice: from the terminal and relayed by tsx.
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`bench/apply: ${signal}: removing the benchmark's containers`);
    void removeBenchContainers(engines).finally(() => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * One run from nothing, timed; the benchmark's containers are removed before and after it, and
 * `prepare` runs in between, untimed.
 */
async function measured(
  engines: Engines,
  work: Workload,
  approach: Approach,
  run: () => Promise<unknown>,
  prepare: () => Promise<void>,
): Promise<number> {
  await removeBenchContainers(engines);
  try {
    await prepare();
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    await expectRunning(engines, work.specs.length, approach);
    return ms;
  } finally {
    await removeBenchContainers(engines);
  }
}

function applyTable(
  work: Workload,
  samples: Record<Approach, number[]>,
  compose: string,
  requests: readonly HostRequest[],
): string[] {
  const plain = median(samples.plain);
  const composed = median(samples.compose);
  const dockstack = median(samples.dockstack);
  const vsPlain = dockstack / plain;
  const vsCompose = dockstack / composed;
  const figure = (a: Approach) =>
    `${seconds(median(samples[a]))} (${(min(samples[a]) / 1000).toFixed(2)})`;
  return [
    `apply: ${work.specs.length} containers over 2 hosts, ${work.tiers.length} tiers ` +
      `(median of ${ROUNDS}, min in brackets)`,
    row(
      'plain tiered create+start',
      figure('plain'),
      `reference (earlier here: about ${EARLIER.plain} s)`,
    ),
    row(
      `docker-compose ${compose} up -d`,
      figure('compose'),
      `(earlier here: about ${EARLIER.compose} s)`,
    ),
    row(
      'dockstack',
      figure('dockstack'),
      `${ratio(vsPlain)} plain (target <= ${TARGET_VS_PLAIN.toFixed(2)}: ${verdict(vsPlain <= TARGET_VS_PLAIN)}), ` +
        `${ratio(vsCompose)} compose (target <= ${TARGET_VS_COMPOSE.toFixed(2)}: ` +
        `${verdict(vsCompose <= TARGET_VS_COMPOSE)})`,
    ),
    row('  its requests per run', '', tally(requests)),
  ];
}

async function noopTable(engines: Engines, work: Workload, deployMs: number): Promise<string[]> {
  const times: number[] = [];
  let reads = 0;
  let writes = 0;
  let steps = 0;
  for (let i = 0; i < NOOP_RUNS; i++) {
    await assertNoForeignManaged(engines);
    const requests: HostRequest[] = [];
    const start = performance.now();
    const done = await dockstackApply(work, (r) => requests.push(r));
    times.push(performance.now() - start);
    reads = Math.max(reads, requests.filter((r) => !r.write).length);
    writes += requests.filter((r) => r.write).length;
    steps += done.result.steps.length;
  }
  const ms = median(times);
  const lines = [
    `no-op reconcile: ${work.specs.length} running containers over 2 hosts ` +
      `(median of ${NOOP_RUNS}; deploying them took ${seconds(deployMs)})`,
    row(
      'dockstack',
      `${ms.toFixed(0)} ms`,
      `target < ${TARGET_NOOP_MS} ms: ${verdict(ms < TARGET_NOOP_MS)}; ${reads} read requests, ` +
        `${writes} writes${writes === 0 ? '' : ' (must be 0)'}`,
    ),
  ];
  if (writes !== 0 || steps !== 0) {
    process.stdout.write(`${lines.join('\n')}\n`);
    throw new Error(`a no-op reconcile made ${writes} write requests and ${steps} steps`);
  }
  return lines;
}

function tally(requests: readonly HostRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.method, (counts.get(r.method) ?? 0) + 1);
  return [...counts].map(([method, n]) => `${n} ${method}`).join(', ');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function min(values: readonly number[]): number {
  return Math.min(...values);
}

const row = (name: string, value: string, note = '') =>
  `  ${name.padEnd(32)}${value.padEnd(17)}${note}`.trimEnd();
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (r: number) => `${r.toFixed(3)}x`;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

main().catch((error: unknown) => {
  console.error(`bench/apply: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
