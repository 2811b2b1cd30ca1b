import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The daemon's Prometheus metrics, on a registry of its own (no global state). */
export interface DaemonMetrics {
  registry: Registry;
  reconcileDuration: Histogram<'result'>;
  lastAppliedCommit: Gauge<'commit'>;
  lastAppliedTimestamp: Gauge;
  containers: Gauge<'host' | 'state'>;
  errors: Counter<'kind'>;
  invalidCommits: Counter;
  degraded: Gauge;
  webhooks: Counter<'event' | 'result'>;
  drift: Counter<'action'>;
  repairs: Counter<'result'>;
  kicks: Counter<'outcome'>;
}

/** How often the event loop's delay is sampled for nodejs_eventloop_lag_*. */
const EVENT_LOOP_SAMPLE_MS = 100;

export function createDaemonMetrics(): DaemonMetrics {
  const registry = new Registry();
  // The event loop's delay sampled every 10 ms (prom-client's default) costs an idle daemon more
  // than its own work; every 100 ms still shows a stalled loop.
  collectDefaultMetrics({
    register: registry,
    prefix: 'dockstack_',
    eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
  });
  const registers = [registry];
  return {
    registry,
    reconcileDuration: new Histogram({
      name: 'dockstack_reconcile_duration_seconds',
      help: 'Time of one reconcile pass: fetch, plan, apply, write-back.',
      labelNames: ['result'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    lastAppliedCommit: new Gauge({
      name: 'dockstack_last_applied_commit_info',
      help: 'The env repo commit applied last (value 1, the commit as label).',
      labelNames: ['commit'],
      registers,
    }),
    lastAppliedTimestamp: new Gauge({
      name: 'dockstack_last_applied_timestamp_seconds',
      help: 'When the last commit was applied (Unix time); its age is time() minus this.',
      registers,
    }),
    containers: new Gauge({
      name: 'dockstack_containers',
      help: 'Containers of the environment by host and state (running, starting, unhealthy, stopped, missing, blocked, unknown, extra).',
      labelNames: ['host', 'state'],
      registers,
    }),
    errors: new Counter({
      name: 'dockstack_errors_total',
      help: 'Errors by kind: git, host, step, invalid, write-back.',
      labelNames: ['kind'],
      registers,
    }),
    invalidCommits: new Counter({
      name: 'dockstack_invalid_commits_total',
      help: 'Commits whose environment file was invalid and so applied nothing.',
      registers,
    }),
    degraded: new Gauge({
      name: 'dockstack_degraded',
      help: '1 while the daemon cannot reach git or a Docker host, or the last pass failed.',
      registers,
    }),
    drift: new Counter({
      name: 'dockstack_drift_total',
      help: 'Differences between the hosts and the environment found between commits, by what they call for (create, start, stop, recreate, remove, conflict).',
      labelNames: ['action'],
      registers,
    }),
    repairs: new Counter({
      name: 'dockstack_repairs_total',
      help: 'Steps run to repair drift without a commit, by result (done, failed).',
      labelNames: ['result'],
      registers,
    }),
    kicks: new Counter({
      name: 'dockstack_kicks_total',
      help: 'Puppet agent runs started by the configure stage (puppet agent --test), by outcome (changed, unchanged, failed).',
      labelNames: ['outcome'],
      registers,
    }),
    webhooks: new Counter({
      name: 'dockstack_webhook_deliveries_total',
      help: 'GitHub webhook deliveries by event and result (queued, ignored, duplicate, refused).',
      labelNames: ['event', 'result'],
      registers,
    }),
  };
}
