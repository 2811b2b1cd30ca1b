import { Limiter } from '../apply/limiter.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { managedName, serviceOf, type ObservedContainer } from '../plan/observed.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { redact } from '../util/redact.js';
import type { Refresh } from './refreshed-containers.js';

/** The image label of an application image whose Puppet agent dockstack kicks. */
export const AGENT_LABEL = 'org.dockstack.puppet-agent';
export const AGENT_LABEL_KICK = 'kick';

/** The kick: one agent run, now (`--test`: in the foreground, detailed exit codes). */
export const KICK_COMMAND = ['puppet', 'agent', '--test', '--color=false'] as const;

/** One agent run dockstack started in a running container, and how it ended. */
export interface Kick {
  name: string;
  host: string;
  /** Why it was kicked (see refreshed-containers), or that its last kick failed. */
  reasons: string[];
  /** `changed`: exit code 2; `unchanged`: 0; anything else failed. */
  outcome: 'changed' | 'unchanged' | 'failed';
  exitCode?: number;
  /** Why it failed: the agent's first error, or the engine's; secrets masked. */
  error?: string;
  durationMs: number;
}

/** A container named for a kick that was not kicked, and why no kick is due. */
export interface NotKicked {
  name: string;
  why: 'stopped' | 'no agent';
}

export interface KickOptions {
  hosts: ReadonlyMap<string, DockerHost>;
  /** The environment's containers as they run now. */
  observed: readonly ObservedContainer[];
  /** Tier rank by service: a tier is kicked once the one before is done. */
  ranks: ReadonlyMap<string, number>;
  /** Kicks running at once per host. */
  perHostLimit: number;
  /** How long one agent run may take. */
  deadlineMs: number;
  /** Values masked in what an agent prints (the environment's passwords and tokens). */
  secrets: readonly string[];
  clock: Clock;
}

export interface KickOutcome {
  kicked: Kick[];
  notKicked: NotKicked[];
}

/**
 * Runs the Puppet agent (`puppet agent --test` through a Docker exec) in each running container
 * of `targets` whose image has a kickable agent: tier by tier in the environment's order, at most
 * `perHostLimit` per host at once. A container not found on its host counts as a failed kick (its
 * host may be down): it is tried again next time. A stopped one needs no kick (its agent runs when
 * it starts), nor one whose image has no agent (a stand-in).
 */
export async function kickAgents(
  targets: readonly Refresh[],
  options: KickOptions,
): Promise<KickOutcome> {
  const byName = new Map(options.observed.map((c) => [managedName(c), c]));
  const notKicked: NotKicked[] = [];
  const kicked: Kick[] = [];
  const tiers = new Map<number, { target: Refresh; container?: ObservedContainer }[]>();
  for (const target of targets) {
    const container = byName.get(target.name);
    if (container !== undefined && !container.running) {
      notKicked.push({ name: target.name, why: 'stopped' });
      continue;
    }
    if (container !== undefined && container.labels[AGENT_LABEL] !== AGENT_LABEL_KICK) {
      notKicked.push({ name: target.name, why: 'no agent' });
      continue;
    }
    const service = container === undefined ? undefined : serviceOf(container);
    const rank =
      service === undefined ? Number.MAX_SAFE_INTEGER : (options.ranks.get(service) ?? 0);
    tiers.set(rank, [...(tiers.get(rank) ?? []), { target, ...(container ? { container } : {}) }]);
  }
  const limiters = new Map<string, Limiter>();
  const limiter = (host: string) => {
    let found = limiters.get(host);
    if (found === undefined) {
      found = new Limiter(options.perHostLimit);
      limiters.set(host, found);
    }
    return found;
  };
  for (const rank of [...tiers.keys()].sort((a, b) => a - b)) {
    const runs = (tiers.get(rank) ?? []).map(({ target, container }) =>
      container === undefined
        ? Promise.resolve(notFound(target))
        : limiter(container.host).run(() => kickOne(target, container, options)),
    );
    kicked.push(...(await Promise.all(runs)));
  }
  return { kicked, notKicked };
}

function notFound(target: Refresh): Kick {
  return {
    name: target.name,
    host: '',
    reasons: target.reasons,
    outcome: 'failed',
    error: 'not found on its host (is the host down?)',
    durationMs: 0,
  };
}

async function kickOne(
  target: Refresh,
  container: ObservedContainer,
  options: KickOptions,
): Promise<Kick> {
  const begin = options.clock.now();
  const base = { name: target.name, host: container.host, reasons: target.reasons };
  const done = (fields: Pick<Kick, 'outcome'> & Partial<Kick>): Kick => ({
    ...base,
    ...fields,
    durationMs: options.clock.now() - begin,
  });
  try {
    const host = options.hosts.get(container.host);
    if (host === undefined) throw new Error(`no connection to ${container.host}`);
    const run = await host.exec(container.id, KICK_COMMAND, { deadlineMs: options.deadlineMs });
    if (run.exitCode === 0) return done({ outcome: 'unchanged', exitCode: 0 });
    if (run.exitCode === 2) return done({ outcome: 'changed', exitCode: 2 });
    return done({
      outcome: 'failed',
      exitCode: run.exitCode,
      error: redact(agentError(run.stdout, run.stderr, run.exitCode), options.secrets),
    });
  } catch (error) {
    return done({ outcome: 'failed', error: redact(errorMessage(error), options.secrets) });
  }
}

/** The agent's first `Error:` line, or its last line, or the exit code alone; one line. */
export function agentError(stdout: string, stderr: string, exitCode: number): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.find((line) => line.startsWith('Error:')) ?? lines.at(-1);
  const text = error === undefined ? '' : `: ${error}`;
  return `puppet agent exited ${String(exitCode)}${text}`.replace(/\s+/g, ' ').slice(0, 300);
}
