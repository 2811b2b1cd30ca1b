import type { ContainerHook } from '../apply/executor.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import type { DockerHost, ImageFacts } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { isManaged, managedName } from '../plan/observed.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';
import {
  bootstrapChoice,
  parseMemberState,
  type BootstrapChoice,
  type MemberState,
} from './bootstrap-choice.js';

/**
 * The image label of a clustered service whose members say where they are and bootstrap when
 * asked (images/README.md: the galera image).
 */
export const CLUSTER_LABEL = 'org.dockstack.cluster';
export const CLUSTER_BOOTSTRAP = 'bootstrap';

export const CLUSTER_STATE_COMMAND = ['dockstack-service', 'cluster-state'] as const;
export const BOOTSTRAP_COMMAND = ['dockstack-service', 'bootstrap'] as const;

/** How often one service's members are asked, at most. */
const EVERY_MS = 5_000;

/**
 * How long a service must stay without a primary component before a member is asked to start
 * one: members that come back together find their last primary component again by themselves
 * within seconds (Galera's pc.recovery), and a bootstrap in the middle of that start would stop
 * a member that is about to serve.
 */
export const STALL_MS = 20_000;

const STALL_NOTED = 'no primary component yet: looking again before bootstrapping';

/** True when the container's image follows the cluster contract. */
export function isClustered(labels: Readonly<Record<string, string>>): boolean {
  return labels[CLUSTER_LABEL] === CLUSTER_BOOTSTRAP;
}

export interface ClusterBootstrapInput {
  hosts: ReadonlyMap<string, DockerHost>;
  /** Every container the environment asks for. */
  specs: readonly ContainerSpec[];
  /**
   * The containers this pass creates or starts: a member among them that does not run yet is on
   * its way; any other member that does not run is left for a later pass to repair. The pass
   * takes out a member whose step failed, as it fails.
   */
  coming?: ReadonlySet<string>;
  clock: Clock;
  log: Log;
}

/**
 * Keeps a clustered service one cluster: when none of its members is in a primary component (a
 * new cluster, every member restarted or recreated) for STALL_MS in a row, the most advanced
 * member is asked to start one (see bootstrapChoice); the others join it on their own. Asked while a member waits to be
 * ready in the apply, and by a pass that finds a service none of whose members is healthy; one
 * look per service at a time, and at most one every few seconds.
 */
export class ClusterBootstrap implements ContainerHook {
  private readonly lastLook = new Map<string, number>();
  private readonly looking = new Map<string, Promise<BootstrapChoice>>();
  /** Since when each service was seen with no member in a primary component, in a row. */
  private readonly stalledSince = new Map<string, number>();
  /** The members each service's last look found not running on a host that answered. */
  private readonly absent = new Map<string, readonly string[]>();

  constructor(private readonly input: ClusterBootstrapInput) {}

  /**
   * Bootstraps where due; gives way (throws) when a member that this pass does not bring up is
   * not running: without it the cluster cannot say which member is the most advanced, so this
   * member would wait out its ready timeout while the repair of the other waits behind it.
   */
  async whileStarting(spec: ContainerSpec, image: ImageFacts): Promise<void> {
    if (!isClustered(image.labels)) return;
    await this.settle(spec.service);
    const coming = this.input.coming ?? new Set<string>();
    const left = (this.absent.get(spec.service) ?? []).filter((name) => !coming.has(name));
    if (left.length > 0) {
      throw new Error(
        `${left.join(', ')}, of the same cluster, ${left.length === 1 ? 'does' : 'do'} not run: ` +
          'the wait gives way to the next pass, which brings them up together',
      );
    }
  }

  /**
   * The services whose running members all wait (none healthy, one at least running), as the
   * observed containers show: each is looked at.
   */
  async settleStalled(observed: readonly ObservedContainer[]): Promise<void> {
    const byService = new Map<string, ObservedContainer[]>();
    for (const c of observed) {
      const service = c.labels[LABELS.service];
      if (!isManaged(c) || service === undefined || !isClustered(c.labels)) continue;
      byService.set(service, [...(byService.get(service) ?? []), c]);
    }
    for (const [service, members] of byService) {
      const healthy = members.some((c) => c.running && c.health === 'healthy');
      if (healthy || !members.some((c) => c.running)) continue;
      // A stall is acted on only once it lasted: looked at again after STALL_MS.
      const first = await this.settle(service);
      if (first.why !== STALL_NOTED) continue;
      await this.input.clock.sleep(STALL_MS);
      await this.settle(service);
    }
  }

  /** Looks at the service's members, unless it did so a moment ago; bootstraps where due. */
  settle(service: string): Promise<BootstrapChoice> {
    const under = this.looking.get(service);
    if (under !== undefined) return under;
    const now = this.input.clock.now();
    const last = this.lastLook.get(service);
    if (last !== undefined && now - last < EVERY_MS) {
      return Promise.resolve({ do: 'nothing', why: 'looked a moment ago' });
    }
    this.lastLook.set(service, now);
    const look = this.look(service).finally(() => this.looking.delete(service));
    this.looking.set(service, look);
    return look;
  }

  private async look(service: string): Promise<BootstrapChoice> {
    const members = this.input.specs.filter((s) => s.service === service && s.state === 'running');
    const lists = new Map<string, Promise<ObservedContainer[]>>();
    const listed = (host: DockerHost) => {
      let list = lists.get(host.name);
      if (list === undefined) {
        list = host.listContainers();
        lists.set(host.name, list);
      }
      return list;
    };
    const found = await Promise.all(
      members.map(async (spec) => {
        try {
          return await this.memberState(spec, listed);
        } catch (error) {
          this.input.log.warn(
            { service, container: spec.name, error: errorMessage(error) },
            'cluster member did not say its state',
          );
          return undefined;
        }
      }),
    );
    this.absent.set(
      service,
      members.filter((_, i) => found[i] === 'absent').map((spec) => spec.name),
    );
    const choice = bootstrapChoice(found.map((f) => (f === 'absent' ? undefined : f?.state)));
    if (choice.do !== 'bootstrap') {
      this.stalledSince.delete(service);
      return choice;
    }
    const now = this.input.clock.now();
    const since = this.stalledSince.get(service);
    if (since === undefined) this.stalledSince.set(service, now);
    if (since === undefined || now - since < STALL_MS) return { do: 'nothing', why: STALL_NOTED };
    this.stalledSince.delete(service);
    const chosen = found
      .flatMap((f) => (f === undefined || f === 'absent' ? [] : [f]))
      .find((f) => f.state.name === choice.member);
    if (chosen === undefined) return choice;
    const run = await chosen.host.exec(chosen.id, BOOTSTRAP_COMMAND, { deadlineMs: 60_000 });
    if (run.exitCode !== 0) {
      this.input.log.warn(
        { service, container: choice.member, exitCode: run.exitCode },
        'cluster bootstrap failed',
      );
      return { do: 'nothing', why: `${choice.member} could not bootstrap` };
    }
    this.input.log.info(
      { service, container: choice.member, why: choice.why },
      'cluster bootstrapped',
    );
    return choice;
  }

  /**
   * What a member says of itself; `absent` when its host shows it not running, undefined when
   * its state is not known otherwise.
   */
  private async memberState(
    spec: ContainerSpec,
    listed: (host: DockerHost) => Promise<ObservedContainer[]>,
  ): Promise<{ state: MemberState; host: DockerHost; id: string } | 'absent' | undefined> {
    const host = this.input.hosts.get(spec.host);
    if (host === undefined) return undefined;
    const container = (await listed(host)).find(
      (c) =>
        isManaged(c) &&
        c.name === spec.name &&
        managedName(c) === spec.name &&
        c.labels[LABELS.environment] === spec.environment,
    );
    if (container === undefined || !container.running) return 'absent';
    const run = await host.exec(container.id, CLUSTER_STATE_COMMAND, { deadlineMs: 30_000 });
    const state = run.exitCode === 0 ? parseMemberState(spec.name, run.stdout) : undefined;
    if (state === undefined) {
      // Nothing is bootstrapped while a member does not say where it is: this must show.
      this.input.log.warn(
        { service: spec.service, container: spec.name, exitCode: run.exitCode },
        'cluster member did not say its state',
      );
      return undefined;
    }
    return { state, host, id: container.id };
  }
}
