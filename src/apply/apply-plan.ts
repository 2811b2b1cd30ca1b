import type { DockerHost, ImageFacts } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import {
  CONTAINER_PHASES,
  type HostStep,
  type Plan,
  type PlanTier,
  type Step,
} from '../plan/plan.js';
import { systemClock, type Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { Limiter } from '../util/limiter.js';
import type { ApplyEvent } from './apply-events.js';
import type { ApplyResult, StepResult } from './apply-result.js';
import { missingExecutor, settle, stepResult, type Settled } from './step-outcome.js';
import { containerExecutors } from './container-executors.js';
import type {
  ContainerRun,
  ExecutorContext,
  Executors,
  HostExecutor,
  ContainerHook,
  RolledBack,
  StepExecutor,
} from './executor.js';

export interface ApplyOptions {
  /** A connection per host named in the plan; a step on a host missing here fails. */
  hosts: ReadonlyMap<string, DockerHost>;
  /** Executors of the actions beyond the container lifecycle (network, attach, configure, ...). */
  executors?: Partial<Executors>;
  clock?: Clock;
  /** Engine calls in flight per host, for creating ahead and for the rest each. */
  perHostLimit?: number;
  /** How long a started container may take to run (and to be healthy, where it has a check). */
  readyTimeoutMs?: number;
  /** How long a replacement without a health check must run, not restarted, to be ready. */
  settleMs?: number;
  pollMs?: number;
  onEvent?: (event: ApplyEvent) => void;
  /**
   * Runs before each deploy and configure tier starts, once the tier before is done (the puppet
   * servers get their code there, before the agents of the tier run).
   */
  beforeTier?: (tier: PlanTier) => Promise<void>;
  /** Work around a container's start (see ContainerHook). */
  hooks?: readonly ContainerHook[];
}

/** The order host steps run in: every network (or switch) before any tunnel that joins it. */
const HOST_ACTION_ORDER: readonly HostStep['action'][] = ['network', 'switch', 'tunnel'];

/**
 * Executes a plan, exactly its steps, each by the executor of its action. Removal tiers run first,
 * one after another (last tier first); then the host steps (networks, then tunnels); then the
 * deploy tiers one after another: a tier starts once each container of the tier before has been
 * through all its phases (created, started, attached, ready, configured); then the configure
 * tiers, the agents kicked once every container is up. Inside a tier every
 * container on every host goes through its phases in parallel with the others, bounded per host;
 * the containers of the next tier are created while a tier starts (creating all of them ahead
 * would delay the first tier behind every create). A failed step is recorded and the others go on,
 * so one dead host fails only its own steps; a container's later steps are not run once one of
 * its steps failed.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const engine = new Engine(options, clock);
  const results: StepResult[] = [];
  const removals = plan.tiers.filter((tier) => tier.phase === 'remove');
  const deploys = plan.tiers.filter((tier) => tier.phase === 'deploy');
  const configures = plan.tiers.filter((tier) => tier.phase === 'configure');
  for (const tier of removals) results.push(...(await engine.runTier(tier)));
  for (const action of HOST_ACTION_ORDER) {
    const steps = plan.hostSteps.filter((step) => step.action === action);
    results.push(...(await Promise.all(steps.map((step) => engine.runHostStep(step)))));
  }
  engine.createAhead(deploys[0]?.steps ?? []);
  for (const [index, tier] of deploys.entries()) {
    engine.createAhead(deploys[index + 1]?.steps ?? []);
    await options.beforeTier?.(tier);
    results.push(...(await engine.runTier(tier)));
  }
  for (const tier of configures) {
    await options.beforeTier?.(tier);
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
  private readonly images = new Map<string, Promise<ImageFacts>>();
  /** Create phases started ahead of their tier, by step. */
  private readonly ahead = new Map<Step, Promise<Settled>>();
  private readonly runs = new Map<string, ContainerRun>();
  private readonly executors: Partial<Executors>;
  private readonly context: ExecutorContext;

  constructor(
    private readonly options: ApplyOptions,
    clock: Clock,
  ) {
    this.executors = { ...containerExecutors, ...options.executors };
    this.context = {
      host: (name) => this.host(name),
      clock,
      ensureImage: (host, image) => this.ensureImage(host, image),
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      settleMs: options.settleMs ?? 5_000,
      pollMs: options.pollMs ?? 200,
      hooks: options.hooks ?? [],
    };
  }

  async runTier(tier: PlanTier): Promise<StepResult[]> {
    this.options.onEvent?.({
      type: 'tier-started',
      phase: tier.phase,
      service: tier.service,
      steps: tier.steps.length,
    });
    const byContainer = new Map<string, Step[]>();
    for (const step of tier.steps) {
      const key = containerKey(step.host, step.name);
      byContainer.set(key, [...(byContainer.get(key) ?? []), step]);
    }
    // The replacements of a service's running members go one wave after another; a failed
    // member stops its service's rollout, and the members after it keep their old containers.
    const waves = new Map<number, Step[][]>();
    for (const steps of byContainer.values()) {
      const wave = Math.max(0, ...steps.map((s) => waveOf(s)?.wave ?? 0));
      waves.set(wave, [...(waves.get(wave) ?? []), steps]);
    }
    const results = new Map<Step, StepResult>();
    const stopped = new Map<string, string>();
    for (const wave of [...waves.keys()].sort((a, b) => a - b)) {
      const runs = (waves.get(wave) ?? []).map((steps) => {
        const first = steps[0] as Step;
        const rolling = steps.map(waveOf).find((r) => r !== undefined);
        const halted = rolling === undefined ? undefined : stopped.get(rolling.service);
        if (halted !== undefined)
          return Promise.resolve(this.notRun(steps, rolling?.service ?? '', halted));
        return this.limited(this.runLimiters, first.host, () => this.runContainer(steps));
      });
      for (const finished of await Promise.all(runs)) {
        for (const [step, result] of finished) {
          results.set(step, result);
          const rolling = waveOf(step);
          if (
            result.outcome === 'failed' &&
            rolling !== undefined &&
            !stopped.has(rolling.service)
          ) {
            stopped.set(rolling.service, step.name);
          }
        }
      }
    }
    return tier.steps.map((step) => results.get(step) as StepResult);
  }

  /** The steps of a member whose turn never came: its service's rollout stopped at `at`. */
  private notRun(steps: readonly Step[], service: string, at: string): Map<Step, StepResult> {
    const results = new Map<Step, StepResult>();
    for (const step of steps) {
      const error = new Error(
        `not run: the rolling replacement of ${service} stopped at ${at}, which failed; ${step.name} keeps its container`,
      );
      const result: StepResult = { ...stepResult(step, 0, error), heldBack: true };
      results.set(step, result);
      this.options.onEvent?.({ type: 'step-finished', result });
    }
    return results;
  }

  async runHostStep(step: HostStep): Promise<StepResult> {
    const execute = this.executors[step.action] as HostExecutor<HostStep> | undefined;
    this.options.onEvent?.({
      type: 'step-started',
      action: step.action,
      host: step.host,
      name: step.name,
    });
    const begin = this.context.clock.now();
    let error: unknown;
    try {
      if (execute === undefined) throw missingExecutor(step.action);
      await this.limited(this.runLimiters, step.host, () => execute(step, this.context));
    } catch (caught) {
      error = caught;
    }
    const result = stepResult(step, this.context.clock.now() - begin, error);
    this.options.onEvent?.({ type: 'step-finished', result });
    return result;
  }

  /** Starts the create phase of each step whose executor allows it, now; the tier waits for it later. */
  createAhead(steps: readonly Step[]): void {
    for (const step of steps) {
      const executor = this.executorOf(step);
      const hook = executor?.phases.create;
      if (executor?.ahead !== true || hook === undefined) continue;
      const run = this.runOf(step);
      const creation = this.limited(this.createLimiters, step.host, () =>
        hook(step, run, this.context),
      );
      this.ahead.set(step, settle(creation));
    }
  }

  /**
   * One container's steps in its tier, phase by phase; each step's result. Once a step fails, no
   * further phase of the container runs, and a step left with phases to go fails as not run.
   */
  private async runContainer(steps: readonly Step[]): Promise<Map<Step, StepResult>> {
    const clock = this.context.clock;
    const begun = new Map<Step, number>();
    const errors = new Map<Step, unknown>();
    const begin = (step: Step) => {
      if (begun.has(step)) return;
      begun.set(step, clock.now());
      this.options.onEvent?.({
        type: 'step-started',
        action: step.action,
        host: step.host,
        name: step.name,
      });
    };
    let failed: { step: Step; phase: number } | undefined;
    for (const [index, phase] of CONTAINER_PHASES.entries()) {
      for (const step of steps) {
        if (failed !== undefined) break;
        const executor = this.executorOf(step);
        if (executor === undefined) {
          begin(step);
          errors.set(step, missingExecutor(step.action));
          failed = { step, phase: -1 };
          break;
        }
        const hook = executor.phases[phase];
        if (hook === undefined) continue;
        begin(step);
        const ahead = phase === 'create' ? this.ahead.get(step) : undefined;
        const outcome = await (ahead ?? settle(hook(step, this.runOf(step), this.context)));
        if (!outcome.ok) {
          errors.set(step, outcome.error);
          failed = { step, phase: index };
        }
      }
    }
    const rolledBack = new Map<Step, RolledBack>();
    for (const step of steps) {
      const executor = this.executorOf(step);
      const run = this.runOf(step);
      if (failed === undefined) {
        const finish =
          executor?.done === undefined ? undefined : settle(executor.done(step, run, this.context));
        const finished = await finish;
        if (finished !== undefined && !finished.ok) errors.set(step, finished.error);
      } else if (begun.has(step) && executor?.undo !== undefined) {
        try {
          const undone = await executor.undo(step, run, this.context);
          if (undone !== undefined) {
            rolledBack.set(step, undone);
            // The old container is back: what attached the new one to the network attaches it.
            for (const other of steps) {
              const attach = this.executorOf(other)?.phases.attach;
              if (other !== step && attach !== undefined) await attach(other, run, this.context);
            }
          }
        } catch (error) {
          errors.set(
            step,
            new Error(
              `${errorMessage(errors.get(step) ?? 'failed')}; putting the old container back failed too: ${errorMessage(error)}`,
            ),
          );
        }
      }
    }
    const results = new Map<Step, StepResult>();
    for (const step of steps) {
      let error = errors.get(step);
      if (error === undefined && failed !== undefined && this.hasPhaseAfter(step, failed.phase)) {
        error = new Error(`not run: the ${failed.step.action} step of ${failed.step.name} failed`);
      }
      begin(step);
      const result = stepResult(step, clock.now() - (begun.get(step) ?? clock.now()), error);
      const undone = rolledBack.get(step);
      if (undone !== undefined) result.rolledBack = undone;
      results.set(step, result);
      this.options.onEvent?.({ type: 'step-finished', result });
    }
    return results;
  }

  /** True when the step's executor has work in a phase after `phase` (an index of CONTAINER_PHASES). */
  private hasPhaseAfter(step: Step, phase: number): boolean {
    const phases = this.executorOf(step)?.phases ?? {};
    return CONTAINER_PHASES.some((name, index) => index > phase && phases[name] !== undefined);
  }

  private executorOf(step: Step): StepExecutor<Step> | undefined {
    return this.executors[step.action] as StepExecutor<Step> | undefined;
  }

  private runOf(step: Step): ContainerRun {
    const key = containerKey(step.host, step.name);
    let run = this.runs.get(key);
    if (run === undefined) {
      run = {};
      this.runs.set(key, run);
    }
    return run;
  }

  /** Pulls the image when the host lacks it, once per host and image. */
  private ensureImage(hostName: string, image: string): Promise<ImageFacts> {
    const key = `${hostName}\u0000${image}`;
    let pending = this.images.get(key);
    if (pending === undefined) {
      const host = this.host(hostName);
      pending = (async () => {
        const present = await host.inspectImage(image);
        if (present !== undefined) return present;
        await host.pullImage(image);
        const pulled = await host.inspectImage(image);
        if (pulled === undefined) {
          throw new HostError(
            hostName,
            'image-unavailable',
            `${image} is not on ${hostName} after its pull`,
          );
        }
        return pulled;
      })();
      this.images.set(key, pending);
    }
    return pending;
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

/** A replacement's service and place in its rolling sequence; undefined for any other step. */
function waveOf(step: Step): { service: string; wave: number } | undefined {
  return step.action === 'recreate' && step.wave !== undefined
    ? { service: step.service, wave: step.wave }
    : undefined;
}

function containerKey(host: string, name: string): string {
  return `${host}\u0000${name}`;
}
