import type { Configured } from '../configure/configured.js';
import { kickAgents, type Kick } from '../configure/kick-agents.js';
import { uploadPuppetCode, type CodeMemory, type PuppetCode } from '../configure/puppet-code.js';
import { refreshedByPlan, type Refresh } from '../configure/refreshed-containers.js';
import { containerSpecs } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { secretEntries } from '../environment/secret-values.js';
import { tierRanks } from '../environment/tier-order.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../plan/observed.js';
import type { Plan } from '../plan/plan.js';
import type { Renderer } from '../render/renderer.js';
import type { Clock } from '../util/clock.js';

export interface ConfigureInput {
  hosts: ReadonlyMap<string, DockerHost>;
  env: Environment;
  /** The environment as the agents were last configured for; undefined: none known. */
  configured: Environment | undefined;
  /** The containers whose last kick failed: kicked again. */
  retry: readonly string[];
  plan: Plan;
  /** The environment's containers as they run after the apply. */
  observed: readonly ObservedContainer[];
  code: PuppetCode;
  memory: CodeMemory;
  renderer: Pick<Renderer, 'classes' | 'inputs'>;
  perHostLimit: number;
  kickDeadlineMs: number;
  clock: Clock;
}

/** How long one agent run may take unless the pass says otherwise. */
export const KICK_DEADLINE_MS = 600_000;

/**
 * The configure stage (the seed's puppet kick): the applied commit's `site.pp` and modules go
 * into every running puppet server that lacks them; then the agents of the containers whose
 * inputs changed since the last configured environment (and those whose kick failed last time)
 * run, tier by tier. When a puppet server could not be given the code, no agent is kicked: each
 * is reported failed, to be kicked again next time.
 */
export async function configureStage(input: ConfigureInput): Promise<Configured> {
  const uploaded = await uploadPuppetCode(input.hosts, input.observed, input.code, input.memory);
  const refreshed = refreshedByPlan(input.configured, input.env, input.plan, input.renderer);
  const targets = withRetries(refreshed, input.retry, input.env);
  const failedUpload = uploaded.find((u) => u.outcome === 'failed');
  if (failedUpload !== undefined) {
    const error = `the puppet server ${failedUpload.name} on ${failedUpload.host} did not get the code: ${failedUpload.error ?? 'failed'}`;
    const kicked = targets.map((t): Kick => ({
      name: t.name,
      host: '',
      reasons: t.reasons,
      outcome: 'failed',
      error,
      durationMs: 0,
    }));
    return { uploaded, refreshed, kicked, notKicked: [] };
  }
  const { kicked, notKicked } = await kickAgents(targets, {
    hosts: input.hosts,
    observed: input.observed,
    ranks: tierRanks(input.env),
    perHostLimit: input.perHostLimit,
    deadlineMs: input.kickDeadlineMs,
    secrets: environmentSecrets(input.env),
    clock: input.clock,
  });
  return { uploaded, refreshed, kicked, notKicked };
}

/** `refreshed`, plus each container of `retry` still meant to run, sorted by name. */
function withRetries(
  refreshed: readonly Refresh[],
  retry: readonly string[],
  env: Environment,
): Refresh[] {
  const running = new Set(
    containerSpecs(env)
      .filter((s) => s.state === 'running')
      .map((s) => s.name),
  );
  const targets = new Map(
    refreshed.map((r) => [r.name, { name: r.name, reasons: [...r.reasons] }]),
  );
  for (const name of retry) {
    if (!running.has(name)) continue;
    const target = targets.get(name) ?? { name, reasons: [] };
    target.reasons.push('its last kick failed');
    targets.set(name, target);
  }
  return [...targets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The values of the environment's passwords and tokens, to mask in what agents print. */
export function environmentSecrets(env: Environment): string[] {
  return secretEntries(env).map(([, value]) => value);
}
