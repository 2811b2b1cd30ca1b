/**
 * The pure core at scale: an environment of 10,000 containers on 200 hosts, parsed and validated,
 * planned against nothing running and against everything running, and rendered (site.pp, dnsmasq
 * data, registered_services write-back). Prints each time, their sum and the peak memory next to the
 * targets: all four under 1 s together, under 300 MB.
 */
import { containerSpecs } from '../src/environment/container-spec.js';
import { loadEnvironment } from '../src/environment/load-environment.js';
import { tierOrder } from '../src/environment/tier-order.js';
import type { ObservedContainer } from '../src/hosts/observed-container.js';
import { labelsFor } from '../src/plan/labels.js';
import { planChanges } from '../src/plan/plan-changes.js';
import { registeredServices, writeRegisteredServices } from '../src/render/registered-services.js';
import { loadRenderer } from '../src/render/renderer.js';
import { syntheticEnvironment } from './synthetic-environment.js';

const CONTAINERS = 10_000;
const HOSTS = 200;
const TARGET_MS = 1000;
const TARGET_MB = 300;

function timed<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = work();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

const text = syntheticEnvironment(CONTAINERS, HOSTS);
const [loaded, loadMs] = timed(() => loadEnvironment(text));
if (!loaded.ok)
  throw new Error(
    `synthetic environment is invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`,
  );
const env = loaded.env;

const [plan, planMs] = timed(() => planChanges(containerSpecs(env), [], tierOrder(env)));

const observed: ObservedContainer[] = containerSpecs(env).map((spec, i) => ({
  host: spec.host,
  name: spec.name,
  id: `c${i}`,
  running: true,
  labels: labelsFor(spec),
}));
const [noop, noopMs] = timed(() => planChanges(containerSpecs(env), observed, tierOrder(env)));

const renderer = loadRenderer();
const [rendered, renderMs] = timed(() => [
  ...Object.values(renderer.files('environment.yaml', env)),
  writeRegisteredServices(text, registeredServices(containerSpecs(env))),
]);

const peakMb = process.resourceUsage().maxRSS / 1024;
const steps = plan.tiers.reduce((n, tier) => n + tier.steps.length, 0);
const noopSteps = noop.tiers.reduce((n, tier) => n + tier.steps.length, 0);
const total = loadMs + planMs + renderMs;

const row = (name: string, value: string, target = '') =>
  `  ${name.padEnd(38)}${value.padStart(12)}  ${target}`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const lines = [
  `pure core: ${CONTAINERS} containers on ${HOSTS} hosts (${(text.length / 1e6).toFixed(2)} MB of YAML)`,
  row('parse + validate', ms(loadMs)),
  row(`plan, nothing running (${steps} steps)`, ms(planMs)),
  row(`plan, all running (${noopSteps} steps)`, ms(noopMs)),
  row(`render (${rendered.reduce((n, r) => n + r.length, 0)} bytes)`, ms(renderMs)),
  row(
    'parse + validate + plan + render',
    ms(total),
    `target < ${TARGET_MS} ms: ${total < TARGET_MS ? 'met' : 'MISSED'}`,
  ),
  row(
    'peak memory (max RSS)',
    `${peakMb.toFixed(0)} MB`,
    `target < ${TARGET_MB} MB: ${peakMb < TARGET_MB ? 'met' : 'MISSED'}`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (noopSteps !== 0) throw new Error(`a no-op plan has ${noopSteps} steps`);
