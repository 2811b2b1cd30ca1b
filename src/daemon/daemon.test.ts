import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';

import { FakeClock } from '../../test/fakes/fake-clock.js';
import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { FakeEnvRepo } from '../../test/fakes/fake-env-repo.js';
import { DEFAULT_ORDER } from '../environment/tier-order.js';
import { loadRenderer } from '../render/renderer.js';
import { TRAILERS } from '../report/trailers.js';
import { createDaemon, type Daemon } from './daemon.js';
import { createDaemonMetrics } from './daemon-metrics.js';
import { createLogger } from './create-logger.js';

const renderer = loadRenderer();
const INTERVAL = 5_000;

function environment(services: Record<string, Record<string, { host: string }>>): string {
  return stringify({
    common: { dnsServer: '10.0.0.1', domain: 'endor.lab', galera_password: 'hidden-secret' },
    registered_services: {},
    services,
  });
}

const BASE = { dns: { dns1: { host: 'h1' } }, webui: { webui1: { host: 'h2' } } };

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
  degraded: string | null;
  invalid: unknown[] | null;
  unreachable: { host: string; containers: string[] }[];
  containers: { name: string; observed: string }[];
  commits: { sha: string; valid: boolean }[];
}

describe('the daemon loop, on a fake env repo and fake hosts', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  function setup(drift: { driftIntervalMs?: number; repair?: boolean } = {}) {
    const repo = new FakeEnvRepo();
    const clock = new FakeClock();
    const hosts = new Map(['h1', 'h2'].map((name) => [name, new FakeDockerHost(name)]));
    for (const host of hosts.values())
      for (const service of DEFAULT_ORDER) host.images.add(`${service}:latest`);
    const lines: string[] = [];
    daemon = createDaemon({
      repo,
      remoteHead: () => Promise.resolve(repo.head),
      envPath: 'environment.yaml',
      pass: {
        connect: () => hosts,
        renderer,
        clock,
        apply: { pollMs: 10, readyTimeoutMs: 1_000 },
      },
      log: createLogger({ write: (line) => lines.push(line), level: 'debug' }),
      metrics: createDaemonMetrics(),
      clock,
      random: () => 0,
      intervalMs: INTERVAL,
      listen: { host: '127.0.0.1', port: 0 },
      describe: { repo: 'fake' },
      ...drift,
    });
    const status = () => (daemon as Daemon).status() as unknown as Status;
    const fetches = () => repo.calls.filter((c) => c === 'fetch').length;
    const host = (name: string) => hosts.get(name) as FakeDockerHost;
    return { repo, clock, hosts, host, status, fetches, lines, daemon };
  }

  it('applies the head and writes back what runs as one bot commit naming the applied commit', async () => {
    const { repo, host, status, daemon, lines } = setup();
    const commit = repo.push({ 'environment.yaml': environment(BASE) });
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().lastApplied).toEqual(expect.objectContaining({ commit, converged: true }));
    });
    expect(host('h1').writes()).toEqual(['create dns1', 'start dns1']);
    expect(host('h2').writes()).toEqual(['create webui1', 'start webui1']);
    const bot = repo.commits.get(repo.head ?? '');
    expect(bot?.trailers[TRAILERS.applied]).toEqual([commit]);
    expect(bot?.parents).toEqual([commit]);
    const written = parse(repo.file('environment.yaml') ?? '') as {
      registered_services: Record<string, string[]>;
    };
    expect(written.registered_services).toMatchObject({ dns: ['dns1'], webui: ['webui1'] });
    expect(repo.file('manifests/site.pp')).toContain("node 'webui1.endor.lab'");
    expect(status().degraded).toBeNull();
    expect(lines.join('\n')).not.toContain('hidden-secret');
  });

  it('polls with ls-remote and passes only when the head moved past its own write-back', async () => {
    const { repo, clock, status, fetches, daemon } = setup();
    repo.push({ 'environment.yaml': environment(BASE) });
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().lastApplied?.converged).toBe(true);
    });
    const before = fetches();
    clock.advance(INTERVAL);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches()).toBe(before);

    const next = repo.push({
      'environment.yaml': environment({
        ...BASE,
        webui: { webui1: { host: 'h2' }, webui2: { host: 'h2' } },
      }),
    });
    clock.advance(INTERVAL);
    await vi.waitFor(() => {
      expect(status().lastApplied?.commit).toBe(next);
    });
  });

  it('coalesces a burst of triggers into at most one more pass', async () => {
    const { repo, fetches, daemon } = setup();
    repo.push({ 'environment.yaml': environment(BASE) });
    await daemon.start();
    await daemon.trigger('settle');
    const before = fetches();
    await Promise.all([1, 2, 3, 4, 5].map((n) => daemon.trigger(`burst ${String(n)}`)));
    // One pass for the first trigger, one more for all that came while it ran (each pass
    // fetches twice: once to read, once to write back).
    expect(fetches() - before).toBeLessThanOrEqual(4);
  });

  it('backs off while git is unreachable, then converges', async () => {
    const { repo, clock, status, fetches, daemon } = setup();
    repo.push({ 'environment.yaml': environment(BASE) });
    repo.unreachable = 'the remote did not answer';
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().degraded).toBe('the remote did not answer');
    });
    const tried = fetches();
    clock.advance(1_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches()).toBe(tried);
    repo.unreachable = undefined;
    clock.advance(1);
    await vi.waitFor(() => {
      expect(status().degraded).toBeNull();
    });
    expect(status().lastApplied?.converged).toBe(true);
  });

  it('reports the containers of an unreachable host and converges the rest', async () => {
    const { repo, host, status, daemon } = setup();
    host('h2').down = true;
    repo.push({ 'environment.yaml': environment(BASE) });
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().lastApplied?.converged).toBe(false);
    });
    expect(status().degraded).toBe('unreachable: h2');
    expect(status().unreachable).toEqual([
      expect.objectContaining({ host: 'h2', containers: ['webui1'] }),
    ]);
    expect(status().containers).toContainEqual(
      expect.objectContaining({ name: 'webui1', observed: 'unknown' }),
    );
    expect(host('h1').writes()).toEqual(['create dns1', 'start dns1']);
    expect(host('h2').writes()).toEqual([]);
  });

  it('applies nothing from an invalid commit and says where the problem is', async () => {
    const { repo, host, status, daemon } = setup();
    repo.push({ 'environment.yaml': environment(BASE) });
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().lastApplied?.converged).toBe(true);
    });
    const bad = repo.push({
      'environment.yaml': environment({
        ...BASE,
        webui: { webui1: { host: 'h2' }, Bad_Name: { host: 'h2' } },
      }),
    });
    host('h2').calls.length = 0;
    await daemon.trigger('test');
    const problems = status().invalid as { file: string; message: string }[];
    expect(problems.map((p) => p.file)).toEqual(['environment.yaml']);
    expect(problems[0]?.message).toContain('RFC 1123');
    expect(status().degraded).toBeNull();
    expect(status().commits).toContainEqual(expect.objectContaining({ sha: bad, valid: false }));
    expect(host('h2').writes()).toEqual([]);
  });

  it('makes its write-back again on the new head when someone pushed first, never forcing', async () => {
    const { repo, status, daemon } = setup();
    const commit = repo.push({ 'environment.yaml': environment(BASE) });
    repo.raceNextPush = 1;
    await daemon.start();
    await vi.waitFor(() => {
      expect(status().lastApplied?.converged).toBe(true);
    });
    const bot = repo.commits.get(repo.head ?? '');
    expect(bot?.trailers[TRAILERS.applied]).toEqual([commit]);
    const raced = repo.commits.get(bot?.parents[0] ?? '');
    expect(raced?.subject).toBe('someone else');
    expect(raced?.parents).toEqual([commit]);
  });

  describe('between commits', () => {
    const SEED = {
      dns: { dns1: { host: 'h1' } },
      galera: { gal1: { host: 'h1' } },
      openstack: { os1: { host: 'h2' } },
      webui: { webui1: { host: 'h2' } },
    };
    const containerOn = (host: FakeDockerHost, name: string) =>
      [...host.containers.values()].find((c) => c.name === name);

    it('repairs a removed, a stopped and a hand-recreated container with no commit', async () => {
      const { repo, clock, host, status, daemon, lines } = setup({ driftIntervalMs: 2_000 });
      repo.push({ 'environment.yaml': environment(SEED) });
      await daemon.start();
      await vi.waitFor(() => {
        expect(status().lastApplied?.converged).toBe(true);
      });
      const commits = repo.commits.size;
      const gal1 = containerOn(host('h1'), 'gal1');
      host('h1').containers.delete(gal1?.id ?? '');
      const os1 = containerOn(host('h2'), 'os1');
      if (os1 !== undefined) os1.running = false;
      const webui1 = containerOn(host('h2'), 'webui1');
      if (webui1 !== undefined) webui1.image = 'webui:2';
      host('h2').images.add('webui:2');

      clock.advance(2_000);
      await vi.waitFor(() => {
        expect(containerOn(host('h1'), 'gal1')?.running).toBe(true);
        expect(containerOn(host('h2'), 'os1')?.running).toBe(true);
        expect(containerOn(host('h2'), 'webui1')?.image).toBe('webui:latest');
      });
      expect(repo.commits.size).toBe(commits);
      const drift = lines.filter((line) => line.includes('"msg":"drift: repairing"'));
      expect(
        drift.map((line) => (JSON.parse(line) as { container: string }).container).sort(),
      ).toEqual(['gal1', 'os1', 'webui1']);
      expect(lines.filter((line) => line.includes('"msg":"drift repaired"'))).toHaveLength(3);
      await daemon.checkDrift();
      expect((status() as unknown as { drift: unknown }).drift).toBeNull();
    });

    it('reports a foreign container on a managed name, once, and never touches it', async () => {
      const { repo, host, status, daemon, lines } = setup({ driftIntervalMs: 2_000 });
      repo.push({ 'environment.yaml': environment(SEED) });
      await daemon.start();
      await vi.waitFor(() => {
        expect(status().lastApplied?.converged).toBe(true);
      });
      const gal1 = containerOn(host('h1'), 'gal1');
      host('h1').containers.delete(gal1?.id ?? '');
      const foreign = host('h1').add({
        name: 'gal1',
        image: 'mariadb:11',
        running: true,
        labels: {},
      });
      host('h1').calls.length = 0;
      await daemon.checkDrift();
      await daemon.checkDrift();
      expect(host('h1').writes()).toEqual([]);
      expect(host('h1').containers.get(foreign)?.image).toBe('mariadb:11');
      const drift = (
        status() as unknown as { drift: { items: { container: string; action: string }[] } }
      ).drift;
      expect(drift.items).toEqual([
        expect.objectContaining({ container: 'gal1', action: 'conflict' }),
      ]);
      expect(lines.filter((line) => line.includes('"msg":"drift"'))).toHaveLength(1);
    });

    it('only reports drift when repair is off', async () => {
      const { repo, host, status, daemon } = setup({ repair: false });
      repo.push({ 'environment.yaml': environment(SEED) });
      await daemon.start();
      await vi.waitFor(() => {
        expect(status().lastApplied?.converged).toBe(true);
      });
      const os1 = containerOn(host('h2'), 'os1');
      if (os1 !== undefined) os1.running = false;
      host('h2').calls.length = 0;
      await daemon.checkDrift();
      expect(host('h2').writes()).toEqual([]);
      const drift = (status() as unknown as { drift: { items: { container: string }[] } }).drift;
      expect(drift.items.map((item) => item.container)).toEqual(['os1']);
    });
  });
});
