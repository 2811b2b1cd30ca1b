/**
 * Replacing the running members of a service on the two test engines: three members of one
 * service (two on the local engine, one on the second), their image tag changed back and forth,
 * two ways side by side in interleaved rounds: dockstack's rolling replacement (one member at a
 * time, each healthy before the next, the old container kept until then) and all three at once
 * (the same engine with every member in one wave, as dockstack replaced them before). Prints
 * the median time of a change and the longest time a change spent with fewer than two members
 * serving under their names, sampled every 50 ms: the target is 0 s for the rolling way.
 */
import { stringify } from 'yaml';

import { applyPlan } from '../src/apply/apply-plan.js';
import { containerSpecs, environmentName } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';
import type { Environment } from '../src/environment/schema.js';
import { connectHosts } from '../src/hosts/connect-hosts.js';
import type { ObservedContainer } from '../src/hosts/observed-container.js';
import { asSeenBy } from '../src/plan/observed.js';
import { planChanges } from '../src/plan/plan-changes.js';
import { connectEngines, removeBenchContainers, type Engines } from './bench-engines.js';
import { BENCH_HOSTS, ENVIRONMENT, PREFIX } from './bench-workload.js';

const ROUNDS = 3;
const MEMBERS = [`${PREFIX}roll-1`, `${PREFIX}roll-2`, `${PREFIX}roll-3`];
const PLACES = ['local', 'h2', 'local'] as const;
const TAGS = ['bench-roll-a', 'bench-roll-b'] as const;
/** Fewer members than this serving is a service short of its redundancy. */
const SERVING_FLOOR = MEMBERS.length - 1;

type Way = 'rolling' | 'all at once';

interface Sample {
  seconds: number;
  /** Seconds with fewer than SERVING_FLOOR members running under their names. */
  below: number;
}

function environment(tag: string): Environment {
  const text = stringify({
    name: ENVIRONMENT,
    common: { dnsServer: '10.0.0.1', domain: 'endor.lab' },
    registered_services: {},
    services: { webui: Object.fromEntries(MEMBERS.map((m, i) => [m, { host: PLACES[i], tag }])) },
    hosts: BENCH_HOSTS,
  });
  const loaded = loadEnvironment(text);
  if (!loaded.ok) throw new Error(`bench environment invalid: ${JSON.stringify(loaded.problems)}`);
  return loaded.env;
}

/** One change of every member to `tag`, the way asked; how long, and how long below the floor. */
async function change(engines: Engines, tag: string, way: Way): Promise<Sample> {
  const env = environment(tag);
  const hosts = connectHosts(env, {});
  try {
    const observed: ObservedContainer[] = [];
    for (const host of hosts.values()) observed.push(...(await host.listContainers()));
    const parallel = way === 'rolling' ? () => 1 : () => MEMBERS.length;
    // Only the benchmark's own environment: another's containers on the engines are foreign.
    const plan = planChanges(
      containerSpecs(env),
      asSeenBy(environmentName(env), observed),
      ['webui'],
      { parallel },
    );
    let below = 0;
    const sampling = { on: true };
    const sampler = (async () => {
      let last = performance.now();
      while (sampling.on) {
        const serving = await servingCount(engines);
        const now = performance.now();
        if (serving < SERVING_FLOOR) below += now - last;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const start = performance.now();
    const result = await applyPlan(plan, { hosts, readyTimeoutMs: 60_000 });
    const seconds = (performance.now() - start) / 1000;
    sampling.on = false;
    await sampler;
    if (!result.converged) {
      const failed = result.steps.find((s) => s.outcome === 'failed');
      throw new Error(`the change did not converge: ${failed?.name ?? ''} ${failed?.error ?? ''}`);
    }
    return { seconds, below: below / 1000 };
  } finally {
    for (const host of hosts.values()) host.close();
  }
}

/** The members running under their own names on both engines now. */
async function servingCount(engines: Engines): Promise<number> {
  let serving = 0;
  for (const docker of Object.values(engines)) {
    const list = await docker.listContainers({ filters: { name: [`${PREFIX}roll-`] } });
    serving += list.filter((c) => MEMBERS.includes((c.Names[0] ?? '').replace(/^\//, ''))).length;
  }
  return serving;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const engines = await connectEngines();
  const cleanUp = async () => {
    await removeBenchContainers(engines);
    for (const docker of Object.values(engines)) {
      for (const tag of TAGS) {
        await docker
          .getImage(`webui:${tag}`)
          .remove()
          .catch(() => undefined);
      }
    }
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    await removeBenchContainers(engines);
    for (const docker of Object.values(engines)) {
      for (const tag of TAGS) await docker.getImage('healthy:latest').tag({ repo: 'webui', tag });
    }
    await change(engines, TAGS[0], 'rolling');
    const samples: Record<Way, Sample[]> = { rolling: [], 'all at once': [] };
    let next = 1;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const way of ['rolling', 'all at once'] as const) {
        samples[way].push(await change(engines, TAGS[next] ?? TAGS[0], way));
        next = 1 - next;
      }
      const shown = (['rolling', 'all at once'] as const).map((way) => {
        const s = samples[way][round - 1];
        return `${way} ${s?.seconds.toFixed(1) ?? '?'} s (below ${String(SERVING_FLOOR)}: ${s?.below.toFixed(1) ?? '?'} s)`;
      });
      console.error(`rolling round ${String(round)}/${String(ROUNDS)}: ${shown.join(', ')}`);
    }
    const rows = (['rolling', 'all at once'] as const).map((way) => {
      const seconds = median(samples[way].map((s) => s.seconds)).toFixed(1);
      const below = Math.max(...samples[way].map((s) => s.below)).toFixed(1);
      return `| ${way} | ${seconds} s | ${below} s |`;
    });
    const rollingBelow = Math.max(...samples.rolling.map((s) => s.below));
    console.log(
      [
        '',
        `Replacing ${String(MEMBERS.length)} running members of one service over 2 engines (median of ${String(ROUNDS)}; target: rolling never below ${String(SERVING_FLOOR)} serving)`,
        '',
        `| way | change takes | longest time below ${String(SERVING_FLOOR)} serving |`,
        '|---|---|---|',
        ...rows,
        '',
        `rolling below ${String(SERVING_FLOOR)} serving: ${rollingBelow.toFixed(1)} s (target 0.0 s): ${rollingBelow === 0 ? 'met' : 'NOT met'}`,
      ].join('\n'),
    );
  } finally {
    await cleanUp();
  }
}

await main();
