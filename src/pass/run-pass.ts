import type { ApplyOptions } from '../apply/apply-plan.js';
import { agentIdentityGuard } from '../configure/agent-identity.js';
import { BalancerDrain } from '../configure/balancer-drain.js';
import { ClusterBootstrap } from '../configure/cluster-bootstrap.js';
import { configureExecutor } from '../configure/configure-executor.js';
import type { Kick } from '../configure/kick-agents.js';
import type { ConfiguredBefore } from '../configure/kick-targets.js';
import { puppetCode, type CodeMemory, type PuppetCode } from '../configure/puppet-code.js';
import { environmentName } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { secretValues } from '../environment/secret-values.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { isManaged } from '../plan/observed.js';
import { containersStarted, isEmpty, planSteps } from '../plan/plan.js';
import { addressEnvironment, DNS_SERVICE } from '../network/address-environment.js';
import { networkExecutors } from '../network/network-executors.js';
import { attachExecutor } from '../network/ovs-executors.js';
import { networkLayout } from '../network/network-layout.js';
import type { DnsMemory } from '../network/serve-dns.js';
import { runningServices } from '../render/registered-services.js';
import {
  besideEnv,
  recordPath,
  RENDERED_PATHS,
  withModules,
  type Renderer,
} from '../render/renderer.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLog, type Log } from '../util/log.js';
import { applyStage } from './apply-stage.js';
import { configureStage, environmentSecrets, KICK_DEADLINE_MS } from './configure-stage.js';
import { deltaStage } from './delta-stage.js';
import { LoadStage, type AgeKeys, type Loader } from './load-stage.js';
import { emptyObservation, observeStage } from './observe-stage.js';
import type { PassResult, PassRevision } from './pass-result.js';
import { planStage } from './plan-stage.js';
import { recordStage, type Recorder } from './record-stage.js';
import { reportStage, type PassReporter } from './report-stage.js';
import { Serving } from './serving-stage.js';
import type { Snapshot, Source } from './source.js';
import type { PassGoal } from './stages.js';
import { volumeStage } from './volume-stage.js';
import { redact } from '../util/redact.js';

/** A connection to every Docker host the environment names, by its name in the file. */
export type ConnectHosts = (env: Environment) => Map<string, DockerHost>;

/** What a pass is built from: set up once by an entry point, shared by its passes. */
export interface PassDeps {
  connect: ConnectHosts;
  renderer: Renderer;
  loader?: Loader;
  /** The age identities that open the environment's secrets file; none unless given. */
  ageKeys?: AgeKeys;
  clock?: Clock;
  log?: Log;
  /** How the apply stage works (executors beyond the container lifecycle, limits, progress). */
  apply?: Omit<ApplyOptions, 'hosts' | 'clock'>;
  /** What the dns containers were given by earlier passes; a pass of its own unless shared. */
  dns?: DnsMemory;
  /** What the puppet servers were given by earlier passes; a pass of its own unless shared. */
  code?: CodeMemory;
  /** How long one kicked agent run may take; KICK_DEADLINE_MS unless given. */
  kickDeadlineMs?: number;
}

/** What one pass is asked to do. */
export interface PassRequest {
  /** The stage it runs up to. */
  goal: PassGoal;
  source: Source;
  /** Plans against hosts that run nothing, without connecting to any (`dockstack plan --offline`). */
  offline?: boolean;
  /** Where an applied pass records what runs (the env repo); nothing is recorded without one. */
  recorder?: Recorder;
  reporters?: readonly PassReporter[];
  /** Look at the tunnels between hosts (a helper container per host); true unless false. */
  tunnels?: boolean;
  /**
   * What the agents are configured for now: the plan kicks those whose inputs change since.
   * Unless given, the env repo's history says (the last configured commit); outside git nothing
   * is kicked.
   */
  configured?: ConfiguredBefore;
  /**
   * Members whose replacement is held (rolled back at the applied commit): left as they run.
   * Unless given, the env repo's record of the head says.
   */
  held?: readonly string[];
}

/**
 * One reconcile pass, through its stages (see PASS_STAGES) up to the one asked for: source, load,
 * delta, observe, allocate, plan, then for `apply`: apply (observing again after it), serve,
 * configure, record; report at the end of either. The hosts are connected once and closed when
 * the pass ends, whatever happens. An invalid environment stops the pass after load: nothing is
 * observed or changed.
 */
export async function runPass(request: PassRequest, deps: PassDeps): Promise<PassResult> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silentLog;
  const reporters = request.reporters ?? [];
  const snapshot = await request.source.read();
  const load = new LoadStage(deps.loader, deps.ageKeys);
  const loaded = await load.snapshot(snapshot);
  const git: PassRevision | undefined =
    snapshot.git === undefined
      ? undefined
      : {
          head: snapshot.git.head,
          applied: snapshot.git.applied,
          commits: await deltaStage(snapshot.git, snapshot.file, load),
          ...(snapshot.git.ignored === undefined ? {} : { ignored: snapshot.git.ignored }),
        };
  const base = {
    file: snapshot.file,
    ...(git === undefined ? {} : { git }),
    ...(snapshot.modules === undefined ? {} : { modules: snapshot.modules }),
  };
  if (!loaded.ok) {
    const result: PassResult = { stage: 'load', ...base, problems: loaded.problems };
    await reportStage(reporters, (r) => r.passed?.(result), log);
    return result;
  }
  const env = loaded.env;
  const renderer = withModules(deps.renderer, snapshot.modules);
  const configure = {
    ...(request.configured ?? (await lastConfigured(load, snapshot))),
    renderer,
  };
  if (request.offline === true) {
    const addressed = addressEnvironment(env, {
      record: snapshot.record,
      now: clock.wallTime(),
    });
    const planned = planStage(env, addressed, emptyObservation(clock), configure);
    return { stage: 'plan', ...base, env, planned };
  }

  const hosts = deps.connect(env);
  const environment = environmentName(env);
  const layout = networkLayout(env);
  // After the apply only the containers matter: no tunnel or switch is looked at again.
  const network = (tunnels: boolean, switches: boolean) =>
    layout === undefined ? undefined : { layout, tunnels, switches };
  try {
    const observation = await observeStage(hosts, clock, network(request.tunnels ?? true, true));
    const addressed = addressEnvironment(env, {
      record: snapshot.record,
      observed: observation.observed,
      layout,
      now: clock.wallTime(),
    });
    const planned = await volumeStage(
      planStage(
        env,
        addressed,
        observation,
        configure,
        new Set(request.held ?? snapshot.git?.held ?? []),
      ),
      hosts,
      environment,
    );
    if (request.goal === 'plan') {
      const result: PassResult = { stage: 'plan', ...base, env, planned };
      await reportStage(reporters, (r) => r.passed?.(result), log);
      return result;
    }
    if (snapshot.git !== undefined && snapshot.git.commits.length > 0) {
      const revision = snapshot.git;
      await reportStage(reporters, (r) => r.applying?.(revision), log);
    }
    // Rendered once, and only when something needs the files (a drift check mostly does not).
    let files: Record<string, string> | undefined;
    const rendered = () =>
      (files ??= renderer.files(snapshot.file, env, addressed.specs, addressed.leases));
    let code: PuppetCode | undefined;
    const serving = new Serving({
      hosts,
      environment,
      dnsData: () => ({
        hosts: rendered()[besideEnv(snapshot.file, RENDERED_PATHS.addnHosts)] ?? '',
        dhcpHosts: rendered()[recordPath(snapshot.file)] ?? '',
      }),
      code: () =>
        (code ??= puppetCode(
          rendered()[besideEnv(snapshot.file, RENDERED_PATHS.sitePp)] ?? '',
          renderer.modules,
          secretValues(env),
        )),
      dnsMemory: deps.dns ?? new Map<string, string>(),
      codeMemory: deps.code ?? new Map<string, string>(),
      dnsChanges: planSteps(planned.plan).some((step) => step.service === DNS_SERVICE),
      observed: observation.observed,
      clock,
      log,
    });
    const kicks: Kick[] = [];
    // A clustered service none of whose members runs healthy (its hosts rebooted, say) is
    // bootstrapped from its most advanced member, as one whose members wait in this apply.
    // A member whose step failed is no longer on its way: the others stop waiting for it.
    const coming = containersStarted(planned.plan);
    const clusters = new ClusterBootstrap({ hosts, specs: addressed.specs, coming, clock, log });
    await clusters.settleStalled(planned.observed);
    const reconciliation = await applyStage(planned, {
      ...deps.apply,
      onEvent: (event) => {
        if (event.type === 'step-finished' && event.result.outcome === 'failed') {
          coming.delete(event.result.name);
        }
        deps.apply?.onEvent?.(event);
      },
      executors: {
        ...networkExecutors,
        attach: attachExecutor(serving),
        configure: configureExecutor({
          kicks,
          code: serving,
          deadlineMs: deps.kickDeadlineMs ?? KICK_DEADLINE_MS,
          secrets: environmentSecrets(env),
          clock,
        }),
        ...deps.apply?.executors,
      },
      hosts,
      clock,
      beforeTier: (tier) => serving.beforeTier(tier),
      hooks: [
        agentIdentityGuard(hosts),
        clusters,
        new BalancerDrain({ hosts, observed: planned.observed, environment, log }),
      ],
    });
    // A failed container's output may quote a secret: none goes further than this pass.
    for (const step of reconciliation.result.steps) {
      if (step.rolledBack !== undefined) {
        step.rolledBack.lastLines = redact(
          step.rolledBack.lastLines,
          Object.values(secretValues(env)),
        );
      }
    }
    // Nothing was done: what was observed is what runs.
    const after = isEmpty(planned.plan)
      ? planned
      : planStage(env, addressed, await observeStage(hosts, clock, network(false, false)));
    const down = new Set(after.unreachable.map((u) => u.host));
    const registered = runningServices(env, after.observed, down);
    await serving.afterApply(after.observed);
    const configured = configureStage(planned, serving.uploaded(), kicks);
    const recorded = await recordStage(request.recorder, {
      snapshot,
      env,
      appliedCommit: git?.applied ?? snapshot.file,
      reconciliation,
      registered,
      configured,
      files: rendered,
    });
    const result: PassResult = {
      stage: 'apply',
      ...base,
      env,
      planned,
      reconciliation,
      observed: after.observed.filter(isManaged),
      state: after.state,
      registered,
      dns: serving.servedDns(after.observed),
      configured,
      ...(recorded === undefined ? {} : { recorded }),
    };
    await reportStage(reporters, (r) => r.passed?.(result), log);
    return result;
  } finally {
    for (const host of hosts.values()) host.close();
  }
}

/**
 * What the agents were last configured for, as the env repo's history says: the environment of
 * the last configured commit (the bot's trailers), else of the commit before the new ones, with
 * the kicks that failed then. Nothing known outside git: nothing is kicked.
 */
async function lastConfigured(
  load: LoadStage,
  snapshot: Snapshot,
): Promise<{ env: Environment | undefined; retry: readonly string[] }> {
  const last = snapshot.git?.configured;
  return {
    env: await environmentOf(
      load,
      last === undefined ? snapshot.git?.before : last.text,
      snapshot.file,
      last === undefined ? snapshot.git?.beforeSecrets : last.secrets,
    ),
    retry: last?.failed ?? [],
  };
}

/** The environment in `text`, when there is one and it is valid. */
async function environmentOf(
  load: LoadStage,
  text: string | undefined,
  file: string,
  secrets: string | undefined,
): Promise<Environment | undefined> {
  if (text === undefined) return undefined;
  const loaded = await load.text(text, file, secrets);
  return loaded.ok ? loaded.env : undefined;
}
