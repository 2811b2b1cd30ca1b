import type { ContainerSpec } from '../environment/container-spec.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import { labelsFor } from '../plan/labels.js';
import type { CreateStep, Plan, PlanTier, RecreateStep, RemoveStep, Step } from '../plan/plan.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ApplyEvent } from './apply-events.js';
import type { ApplyResult, StepResult } from './apply-result.js';
import { Limiter } from './limiter.js';
import { waitUntilReady } from './wait-until-ready.js';

export interface ApplyOptions {
  /** A connection per host named in the plan; a step on a host missing here fails. */
  hosts: ReadonlyMap<string, DockerHost>;
  clock?: Clock;
  /** Engine calls in flight per host, for creating and for the rest each. */
  perHostLimit?: number;
  /** How long a started container may take to run (and to be healthy, where it has a check). */
  readyTimeoutMs?: number;
  pollMs?: number;
  onEvent?: (event: ApplyEvent) => void;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Executes a plan, exactly its steps. Removal tiers run first, one after another (last tier
 * first); then the deploy tiers run one after another: a tier starts once every container of the
 * tier before is running, and healthy where its image has a health check. The containers of the
 * next tier are created while a tier starts (creating all of them ahead would delay the first tier
 * behind every create; starting is what the engine spends its time on). Inside a tier every step on every host runs in parallel,
 * bounded per host. A failed step is recorded and the others go on, so one dead host fails only its
 * own containers.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const engine = new Engine(options, clock);
  const results: StepResult[] = [];
  const removals = plan.tiers.filter((tier) => tier.phase === 'remove');
  const deploys = plan.tiers.filter((tier) => tier.phase === 'deploy');

  for (const tier of removals) results.push(...(await engine.runTier(tier)));
  engine.createAhead(deploys[0]?.steps ?? []);
  for (const [index, tier] of deploys.entries()) {
    engine.createAhead(deploys[index + 1]?.steps ?? []);
    results.push(...(await engine.runTier(tier)));
  }

  return {
    converged: results.every((r) => r.outcome === 'done'),
    steps: results,
    durationMs: clock.now() - started,
  };
}

class Engine {
  private readonly createLimiters = new Map<string, Limiter>();
  private readonly runLimiters = new Map<string, Limiter>();
  private readonly images = new Map<string, Promise<void>>();
  private readonly created = new Map<Step, Promise<Settled<string>>>();

  constructor(
    private readonly options: ApplyOptions,
    private readonly clock: Clock,
  ) {}

  async runTier(tier: PlanTier): Promise<StepResult[]> {
    this.options.onEvent?.({
      type: 'tier-started',
      phase: tier.phase,
      service: tier.service,
      steps: tier.steps.length,
    });
    return Promise.all(
      tier.steps.map((step) => this.limited(this.runLimiters, step.host, () => this.run(step))),
    );
  }

  /** Starts creating every fresh container now; each step later waits for its own. */
  createAhead(steps: readonly Step[]): void {
    for (const step of steps) {
      if (step.action !== 'create') continue;
      const creation = this.limited(this.createLimiters, step.host, () =>
        this.create(step.host, step.spec),
      );
      this.created.set(step, settle(creation));
    }
  }

  private async run(step: Step): Promise<StepResult> {
    const { action, host, name } = step;
    this.options.onEvent?.({ type: 'step-started', action, host, name });
    const begin = this.clock.now();
    const base = {
      action,
      host,
      name,
      ...(step.service === undefined ? {} : { service: step.service }),
    };
    let result: StepResult;
    try {
      await this.execute(step);
      result = { ...base, outcome: 'done', durationMs: this.clock.now() - begin };
    } catch (error) {
      result = {
        ...base,
        outcome: 'failed',
        durationMs: this.clock.now() - begin,
        error: describe(error),
      };
    }
    this.options.onEvent?.({ type: 'step-finished', result });
    return result;
  }

  private async execute(step: Step): Promise<void> {
    switch (step.action) {
      case 'remove':
        return this.remove(step);
      case 'create':
        return this.finishCreate(step);
      case 'recreate':
        return this.recreate(step);
      case 'start':
        await this.host(step.host).startContainer(step.id);
        return this.ready(step.host, step.id);
      case 'stop':
        return this.host(step.host).stopContainer(step.id);
      case 'conflict':
        throw new Error(step.reason);
    }
  }

  private async remove(step: RemoveStep): Promise<void> {
    const host = this.host(step.host);
    if (step.running) await host.stopContainer(step.id);
    await host.removeContainer(step.id);
  }

  private async finishCreate(step: CreateStep): Promise<void> {
    const creation = this.created.get(step) ?? settle(this.create(step.host, step.spec));
    const settled = await creation;
    if (!settled.ok) throw settled.error;
    if (step.start) {
      await this.host(step.host).startContainer(settled.value);
      await this.ready(step.host, settled.value);
    }
  }

  /** The image is made available first, so a missing image never takes the old container down. */
  private async recreate(step: RecreateStep): Promise<void> {
    const host = this.host(step.host);
    await this.ensureImage(step.host, step.spec.image);
    await host.stopContainer(step.id);
    await host.removeContainer(step.id);
    const id = await host.createContainer(step.spec, labelsFor(step.spec));
    if (step.start) {
      await host.startContainer(id);
      await this.ready(step.host, id);
    }
  }

  private async create(hostName: string, spec: ContainerSpec): Promise<string> {
    await this.ensureImage(hostName, spec.image);
    return this.host(hostName).createContainer(spec, labelsFor(spec));
  }

  /** Pulls the image when the host lacks it, once per host and image. */
  private ensureImage(hostName: string, image: string): Promise<void> {
    const key = `${hostName}\u0000${image}`;
    let pending = this.images.get(key);
    if (pending === undefined) {
      const host = this.host(hostName);
      pending = (async () => {
        if (await host.hasImage(image)) return;
        await host.pullImage(image);
      })();
      this.images.set(key, pending);
    }
    return pending;
  }

  private ready(hostName: string, id: string): Promise<void> {
    return waitUntilReady(this.host(hostName), id, {
      clock: this.clock,
      timeoutMs: this.options.readyTimeoutMs ?? 120_000,
      pollMs: this.options.pollMs ?? 200,
    });
  }

  private host(name: string): DockerHost {
    const host = this.options.hosts.get(name);
    if (host === undefined)
      throw new HostError(name, 'unreachable', `no connection to Docker host ${name}`);
    return host;
  }

  private limited<T>(
    limiters: Map<string, Limiter>,
    host: string,
    task: () => Promise<T>,
  ): Promise<T> {
    let limiter = limiters.get(host);
    if (limiter === undefined) {
      limiter = new Limiter(this.options.perHostLimit ?? 8);
      limiters.set(host, limiter);
    }
    return limiter.run(task);
  }
}

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
