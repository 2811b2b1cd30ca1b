import { describe, expect, it } from 'vitest';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import type { ContainerEvent } from '../hosts/container-event.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { SWITCH_LABEL } from '../network/ovs-scripts.js';
import type { Log } from '../util/log.js';
import { watchEngines } from './watch-engines.js';

const OURS = { [LABELS.managed]: 'true', [LABELS.environment]: 'lab' };

/** An environment named `name` with a container on each of `hosts`, each host at `endpoints`. */
function environment(
  hosts: readonly string[],
  options: { name?: string; endpoints?: Record<string, string> } = {},
): Environment {
  const containers = hosts.map((host, i) => `    dns${i + 1}:\n      host: ${host}\n`).join('');
  const endpoints = Object.entries(options.endpoints ?? {})
    .map(([host, docker]) => `  ${host}:\n    docker: ${docker}\n`)
    .join('');
  const text = [
    `name: ${options.name ?? 'lab'}\n`,
    'common:\n  dnsServer: 10.0.0.1\n  domain: endor.lab\n',
    'registered_services: {}\n',
    `services:\n  dns:\n${containers}`,
    endpoints === '' ? '' : `hosts:\n${endpoints}`,
  ].join('');
  const loaded = loadEnvironment(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.env;
}

function hostsOf(env: Environment): string[] {
  const names = Object.values(env.services).flatMap((service) =>
    Object.values(service ?? {}).map((container) => container.host),
  );
  return [...new Set(names)];
}

/** Lets every stream and retry that can move, move. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function event(action: string, name: string, labels: Record<string, string>): ContainerEvent {
  return { action, id: `${name}-id`, name, labels, time: 0 };
}

/**
 * A host whose engine sends two events in one chunk: like followEvents, it yields every event
 * of a chunk it has read, without looking at the abort signal between them.
 */
class ChunkedHost extends FakeDockerHost {
  override async *events(): AsyncGenerator<ContainerEvent, void, undefined> {
    this.calls.push('events');
    await Promise.resolve();
    yield event('start', 'dns1', OURS);
    yield event('die', 'dns1', OURS);
  }
}

function setup(makeHost = (name: string): FakeDockerHost => new FakeDockerHost(name)) {
  const clock = new FakeClock();
  const changed: string[] = [];
  const warnings: object[] = [];
  /** Every host `connect` made, in order. */
  const connections: FakeDockerHost[] = [];
  /** What a test does as `changed` is called, after recording the reason. */
  const then: { changed: (reason: string) => void } = { changed: () => undefined };
  const log: Log = {
    debug: () => undefined,
    info: () => undefined,
    warn: (meta) => warnings.push(meta),
    error: () => undefined,
  };
  const watch = watchEngines({
    connect: (env) =>
      new Map(
        hostsOf(env).map((name) => {
          const host = makeHost(name);
          connections.push(host);
          return [name, host];
        }),
      ),
    changed: (reason) => {
      changed.push(reason);
      then.changed(reason);
    },
    clock,
    log,
  });
  /** The first host of that name `connect` made: the one followed. */
  const host = (name: string): FakeDockerHost => {
    const found = connections.find((h) => h.name === name);
    if (found === undefined) throw new Error(`no connection to ${name}`);
    return found;
  };
  const subscriptions = (h: FakeDockerHost): number => h.calls.filter((c) => c === 'events').length;
  return { clock, changed, warnings, connections, watch, host, subscriptions, then };
}

describe('watchEngines', () => {
  it('follows every host of the environment once', async () => {
    const { watch, connections, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    expect(connections.map((h) => h.name)).toEqual(['h1', 'h2']);
    for (const name of ['h1', 'h2']) {
      expect(host(name).eventStreams).toBe(1);
      expect(subscriptions(host(name))).toBe(1);
      expect(host(name).timesClosed).toBe(0);
    }
    watch.stop();
  });

  it.each(['start', 'die', 'destroy', 'rename'])(
    'reports a %s of one of its containers, naming the action, the container and the host',
    async (action) => {
      const { watch, changed, host } = setup();
      watch.follow(environment(['h1', 'h2']));
      await settle();
      host('h2').publish(event(action, 'dns2', OURS));
      await settle();
      expect(changed).toEqual([`${action} of dns2 on h2`]);
      watch.stop();
    },
  );

  it("reports what the engine's own operations on its containers emit", async () => {
    const { watch, changed, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    const h1 = host('h1');
    const id = h1.add({ name: 'dns1', image: 'dns:latest', running: false, labels: OURS });
    await h1.startContainer(id);
    await h1.signal(id, 'HUP');
    h1.exit(id, 137);
    await h1.startContainer(id);
    await h1.stopContainer(id);
    await h1.removeContainer(id);
    await settle();
    // A kill or a stop is no drift by itself; the death that follows a stop is.
    expect(changed).toEqual([
      'start of dns1 on h1',
      'die of dns1 on h1',
      'start of dns1 on h1',
      'die of dns1 on h1',
      'destroy of dns1 on h1',
    ]);
    watch.stop();
  });

  it("ignores another environment's containers, unmanaged ones and other actions", async () => {
    const { watch, changed, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    const h1 = host('h1');
    h1.publish(event('start', 'other1', { ...OURS, [LABELS.environment]: 'prod' }));
    h1.publish(event('die', 'bystander', {}));
    h1.publish(event('start', 'impostor', { [LABELS.environment]: 'lab' }));
    h1.publish(event('start', 'half', { [LABELS.managed]: 'false', [LABELS.environment]: 'lab' }));
    for (const action of ['exec_start', 'health_status: healthy', 'create', 'stop', 'kill']) {
      h1.publish(event(action, 'dns1', OURS));
    }
    await settle();
    expect(changed).toEqual([]);
    watch.stop();
  });

  it("reports the host's Open vSwitch container, whatever environment labels it carries", async () => {
    const { watch, changed, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    host('h1').publish(event('die', 'dockstack-ovs', { [SWITCH_LABEL]: 'ovs' }));
    host('h2').publish(event('exec_start', 'dockstack-ovs', { [SWITCH_LABEL]: 'ovs' }));
    host('h2').publish(event('start', 'switch-ish', { [SWITCH_LABEL]: 'linux' }));
    await settle();
    expect(changed).toEqual(['die of dockstack-ovs on h1']);
    watch.stop();
  });

  it('reports the containers of the environment it follows now, after a rename of it', async () => {
    const { watch, changed, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    watch.follow(environment(['h1', 'h2'], { name: 'prod' }));
    await settle();
    host('h1').publish(event('start', 'dns1', OURS));
    host('h1').publish(event('start', 'dns1', { ...OURS, [LABELS.environment]: 'prod' }));
    await settle();
    expect(changed).toEqual(['start of dns1 on h1']);
    watch.stop();
  });

  it('follows a dropped stream again after a second, and says it is back', async () => {
    const { watch, changed, warnings, clock, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    host('h1').dropEvents();
    await settle();
    expect(host('h1').eventStreams).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ host: 'h1' })]);
    clock.advance(999);
    await settle();
    expect(changed).toEqual([]);
    expect(subscriptions(host('h1'))).toBe(1);

    clock.advance(1);
    await settle();
    expect(changed).toEqual(['the event stream of h1 is back']);
    expect(subscriptions(host('h1'))).toBe(2);
    expect(host('h1').eventStreams).toBe(1);
    // The other host's stream was never touched.
    expect(subscriptions(host('h2'))).toBe(1);

    host('h1').publish(event('start', 'dns1', OURS));
    await settle();
    expect(changed).toEqual(['the event stream of h1 is back', 'start of dns1 on h1']);
    watch.stop();
  });

  it('doubles the pause while the stream keeps dropping, up to 30 s, and starts over after an event', async () => {
    const { watch, changed, clock, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    const h1 = host('h1');
    /** Drops the stream and returns how long it takes to be back. */
    const pauseAfterDrop = async (): Promise<number> => {
      h1.dropEvents();
      await settle();
      const before = changed.length;
      const start = clock.now();
      while (changed.length === before) {
        if (clock.now() - start > 60_000) throw new Error('the stream never came back');
        clock.advance(500);
        await settle();
      }
      expect(h1.eventStreams).toBe(1);
      return clock.now() - start;
    };
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) pauses.push(await pauseAfterDrop());
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);

    h1.publish(event('exec_start', 'dns1', OURS));
    await settle();
    expect(await pauseAfterDrop()).toBe(1_000);
    expect(changed.every((reason) => reason === 'the event stream of h1 is back')).toBe(true);
    watch.stop();
  });

  it('retries a host that cannot be reached at all, with the same pauses', async () => {
    const { watch, changed, clock, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    const h1 = host('h1');
    h1.down = true;
    h1.dropEvents();
    await settle();
    clock.advance(1_000);
    await settle();
    expect(subscriptions(h1)).toBe(2);
    expect(h1.eventStreams).toBe(0);
    clock.advance(1_999);
    await settle();
    expect(subscriptions(h1)).toBe(2);
    clock.advance(1);
    await settle();
    expect(subscriptions(h1)).toBe(3);
    expect(changed).toEqual(['the event stream of h1 is back', 'the event stream of h1 is back']);
    watch.stop();
  });

  it('keeps the streams it follows when the same hosts come again, and closes the new connections', async () => {
    const { watch, changed, connections, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    expect(connections).toHaveLength(4);
    const [first1, first2, again1, again2] = connections as [
      FakeDockerHost,
      FakeDockerHost,
      FakeDockerHost,
      FakeDockerHost,
    ];
    for (const kept of [first1, first2]) {
      expect(subscriptions(kept)).toBe(1);
      expect(kept.eventStreams).toBe(1);
      expect(kept.timesClosed).toBe(0);
    }
    for (const extra of [again1, again2]) {
      expect(subscriptions(extra)).toBe(0);
      expect(extra.timesClosed).toBe(1);
    }
    host('h2').publish(event('die', 'dns2', OURS));
    await settle();
    expect(changed).toEqual(['die of dns2 on h2']);
    watch.stop();
  });

  it('follows a host anew when its endpoint changes', async () => {
    const { watch, connections, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2'], { endpoints: { h1: 'unix:///run/a.sock' } }));
    await settle();
    watch.follow(environment(['h1', 'h2'], { endpoints: { h1: 'unix:///run/b.sock' } }));
    await settle();
    const [old1, kept2, new1, extra2] = connections as [
      FakeDockerHost,
      FakeDockerHost,
      FakeDockerHost,
      FakeDockerHost,
    ];
    expect(old1.eventStreams).toBe(0);
    expect(old1.timesClosed).toBe(1);
    expect(new1.eventStreams).toBe(1);
    expect(new1.timesClosed).toBe(0);
    expect(kept2.eventStreams).toBe(1);
    expect(subscriptions(extra2)).toBe(0);
    expect(extra2.timesClosed).toBe(1);
    watch.stop();
  });

  it('lets a host go when the environment no longer has it', async () => {
    const { watch, changed, host, connections } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    watch.follow(environment(['h1']));
    await settle();
    expect(host('h2').eventStreams).toBe(0);
    expect(host('h2').timesClosed).toBe(1);
    expect(host('h1').eventStreams).toBe(1);
    expect(host('h1').timesClosed).toBe(0);
    expect(connections.at(-1)?.timesClosed).toBe(1);
    host('h1').publish(event('start', 'dns1', OURS));
    await settle();
    expect(changed).toEqual(['start of dns1 on h1']);
    watch.stop();
  });

  it('calls off the pending retry of a host it lets go', async () => {
    const { watch, changed, clock, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    host('h2').dropEvents();
    await settle();
    expect(clock.timers).toBe(1);
    watch.follow(environment(['h1']));
    await settle();
    clock.advance(60_000);
    await settle();
    expect(changed).toEqual([]);
    expect(subscriptions(host('h2'))).toBe(1);
    expect(host('h2').timesClosed).toBe(1);
    watch.stop();
  });

  it('ends every stream and closes every host on stop, and reports nothing after', async () => {
    const { watch, changed, host, connections, warnings } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    watch.stop();
    await settle();
    for (const name of ['h1', 'h2']) {
      expect(host(name).eventStreams).toBe(0);
      expect(host(name).timesClosed).toBe(1);
      host(name).publish(event('start', `dns-${name}`, OURS));
    }
    await settle();
    expect(changed).toEqual([]);
    // A stream ended on purpose is no drop.
    expect(warnings).toEqual([]);
    watch.follow(environment(['h1', 'h2']));
    expect(connections).toHaveLength(2);
  });

  it('calls off a pending retry on stop', async () => {
    const { watch, changed, clock, host, subscriptions } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    host('h1').dropEvents();
    await settle();
    expect(clock.timers).toBe(1);
    watch.stop();
    await settle();
    expect(clock.timers).toBe(0);
    clock.advance(60_000);
    await settle();
    expect(changed).toEqual([]);
    expect(subscriptions(host('h1'))).toBe(1);
    expect(host('h1').timesClosed).toBe(1);
  });

  it('reports nothing once stopped, also from events the engine sent in the same chunk', async () => {
    const { watch, changed, then } = setup((name) => new ChunkedHost(name));
    // The daemon stops between the two events of the chunk, here as the first is reported.
    then.changed = () => {
      watch.stop();
    };
    watch.follow(environment(['h1']));
    await settle();
    expect(changed).toEqual(['start of dns1 on h1']);
  });

  it('drops an event that is queued when it stops', async () => {
    const { watch, changed, host } = setup();
    watch.follow(environment(['h1', 'h2']));
    await settle();
    host('h1').publish(event('start', 'dns1', OURS));
    watch.stop();
    await settle();
    expect(changed).toEqual([]);
  });
});
