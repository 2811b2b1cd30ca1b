import { environmentName } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import type { ContainerEvent } from '../hosts/container-event.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { SWITCH_LABEL } from '../network/ovs-scripts.js';
import type { ConnectHosts } from '../pass/run-pass.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Log } from '../util/log.js';

/** What happens to a container that may take it away from what the file says. */
const DRIFT_ACTIONS: ReadonlySet<string> = new Set(['start', 'die', 'destroy', 'rename']);
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

/** Follows the engines of the applied environment, and says when something there changed. */
export interface EngineWatch {
  /** Follows the hosts of `env` (those already followed stay, the others are let go). */
  follow(env: Environment): void;
  stop(): void;
}

export interface EngineWatchOptions {
  connect: ConnectHosts;
  /** An event about one of the environment's containers, or its host's switch, arrived. */
  changed: (reason: string) => void;
  clock: Clock;
  log: Log;
}

/**
 * Follows the container events of every host of the environment: a start, a death, a removal
 * or a rename of one of its containers, or of the host's Open vSwitch container, is reported
 * through `changed` (a restarted container needs wiring again at once). A stream that drops is
 * followed again after a pause (1 s, doubling up to 30 s), and `changed` is called then: what
 * happened meanwhile was missed.
 */
export function watchEngines(options: EngineWatchOptions): EngineWatch {
  const { clock, log } = options;
  const followed = new Map<string, { stop: () => void; endpoint: string }>();
  let environment = '';
  let stopped = false;

  const relevant = (event: ContainerEvent): boolean =>
    DRIFT_ACTIONS.has(event.action) &&
    ((event.labels[LABELS.managed] === 'true' &&
      event.labels[LABELS.environment] === environment) ||
      event.labels[SWITCH_LABEL] === 'ovs');

  const followHost = (host: DockerHost): (() => void) => {
    const abort = new AbortController();
    let retry: Timer | undefined;
    let pause = FIRST_RETRY_MS;
    const run = async (): Promise<void> => {
      try {
        for await (const event of host.events({ signal: abort.signal })) {
          // Events already read when the watch stopped are not news to anyone.
          if (abort.signal.aborted) return;
          pause = FIRST_RETRY_MS;
          if (relevant(event)) options.changed(`${event.action} of ${event.name} on ${host.name}`);
        }
      } catch (error) {
        log.warn({ host: host.name, err: error }, 'the engine event stream dropped');
      }
      if (abort.signal.aborted || stopped) return;
      retry = clock.after(pause, () => {
        options.changed(`the event stream of ${host.name} is back`);
        void run();
      });
      pause = Math.min(pause * 2, LAST_RETRY_MS);
    };
    void run();
    return () => {
      abort.abort();
      retry?.cancel();
      host.close();
    };
  };

  return {
    follow(env) {
      if (stopped) return;
      environment = environmentName(env);
      const hosts = options.connect(env);
      for (const [name, host] of hosts) {
        const endpoint = JSON.stringify(env.hosts?.[name] ?? name);
        const current = followed.get(name);
        if (current?.endpoint === endpoint) {
          host.close();
          continue;
        }
        current?.stop();
        followed.set(name, { stop: followHost(host), endpoint });
      }
      for (const [name, watch] of followed) {
        if (hosts.has(name)) continue;
        watch.stop();
        followed.delete(name);
      }
    },
    stop() {
      stopped = true;
      for (const watch of followed.values()) watch.stop();
      followed.clear();
    },
  };
}
