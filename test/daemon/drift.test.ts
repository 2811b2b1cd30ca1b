import { describe, expect, it } from 'vitest';

import { LABELS } from '../../src/hosts/ownership-labels.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { buildTestImage } from '../testbed/test-images.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  type DaemonProcess,
  firstConverged,
  startDaemon,
  statusOf,
  waitFor,
} from './daemon-process.js';

const NAME = `drift-test-${String(process.pid)}`;
const dns1 = `${PREFIX}-drift-dns1`;
const gal1 = `${PREFIX}-drift-gal1`;
const os1 = `${PREFIX}-drift-os1`;
const webui1 = `${PREFIX}-drift-webui1`;
const ctrl1 = `${PREFIX}-drift-ctrl1`;
const flaky1 = `${PREFIX}-drift-flaky1`;
/** An image tag the test points at a healthy image, then at one whose health check never passes. */
const FLAKY = 'collector:drift-test';
const services: Services = {
  dns: { [dns1]: { host: 'local' } },
  collector: { [flaky1]: { host: 'local', tag: 'drift-test' } },
  galera: { [gal1]: { host: 'local' } },
  openstack: { [os1]: { host: 'h2' } },
  control: { [ctrl1]: { host: 'local' } },
  webui: { [webui1]: { host: 'h2' } },
};

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
  containers: { name: string; ok: boolean; health?: string }[];
  hosts: Record<string, { lastObserved: string; reachable: boolean }>;
  drift: { items: { container: string; action: string }[] } | null;
}

describe('the daemon between commits, on real engines', () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = () => statusOf<Status>(daemon);
  const container = async (name: string) => (await testContainers()).find((c) => c.name === name);

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      await pointFlakyAt('healthy:latest');
      remote = createRemote(root.path, {
        'environment.yaml': environmentText(services, { name: NAME }),
      });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '3600',
        '--drift-interval',
        '1',
        '--ready-timeout',
        '12',
      ]);
      await firstConverged(status);
    },
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        await rawClient(ENGINES.local)
          .getImage(FLAKY)
          .remove({ force: true })
          .catch(() => undefined);
        await rawClient(ENGINES.local)
          .getImage(SLOW)
          .remove({ force: true })
          .catch(() => undefined);
      } finally {
        root.remove();
      }
    },
  });

  it('repairs a removed, a stopped and a hand-recreated container within 10 s, with no commit', async () => {
    const head = remote.head();
    const local = rawClient(ENGINES.local);
    const h2 = rawClient(ENGINES.h2);
    const gal = await container(gal1);
    const os = await container(os1);
    const webui = await container(webui1);
    await local.getContainer(gal?.id ?? '').remove({ force: true });
    await h2.getContainer(os?.id ?? '').stop({ t: 1 });
    // A person recreates webui1 by hand with another image, copying its labels.
    await h2.getContainer(webui?.id ?? '').remove({ force: true });
    const replaced = await h2.createContainer({
      name: webui1,
      Image: 'webui:2',
      Labels: webui?.labels ?? {},
      HostConfig: { NetworkMode: 'none' },
    });
    await replaced.start();
    const broken = Date.now();

    // A check may fall between the hand removal and the hand start: its repair then fails, and
    // the next one repairs what it finds. Each container ends repaired, with a line in the log.
    const repaired = (name: string) =>
      new RegExp(`"container":"${name}"[^\\n]*"msg":"drift repaired"`).test(
        daemon?.logs.join('\n') ?? '',
      );
    await waitFor(
      'the three containers repaired',
      async () => {
        const [g, o, w] = await Promise.all([container(gal1), container(os1), container(webui1)]);
        return g?.running === true &&
          o?.running === true &&
          w?.running === true &&
          w.image === 'webui:latest' &&
          [gal1, os1, webui1].every(repaired)
          ? true
          : undefined;
      },
      10_000,
    );
    const took = Date.now() - broken;
    expect(took).toBeLessThan(10_000);
    expect(remote.head(), 'a repair is not a commit').toBe(head);
    const metrics = await (await fetch(`${daemon?.base ?? ''}/metrics`)).text();
    const done = /dockstack_repairs_total\{result="done"\} (\d+)/.exec(metrics)?.[1];
    expect(Number(done)).toBeGreaterThanOrEqual(3);
    const hosts = (await status()).hosts;
    expect(Object.keys(hosts).sort()).toEqual(['h2', 'local']);
    expect(Date.now() - Date.parse(hosts.local?.lastObserved ?? '')).toBeLessThan(5_000);
  });

  it('leaves a foreign container on a managed name alone, and reports it', async () => {
    const local = rawClient(ENGINES.local);
    const ctrl = await container(ctrl1);
    await local.getContainer(ctrl?.id ?? '').remove({ force: true });
    const foreign = await local.createContainer({
      name: ctrl1,
      Image: 'control:latest',
      Labels: { 'org.dockstack.test': '1', note: 'made by hand' },
    });
    await foreign.start();
    const drift = await waitFor('the foreign container reported', async () => {
      const items = (await status()).drift?.items ?? [];
      return items.some((i) => i.container === ctrl1 && i.action === 'conflict')
        ? items
        : undefined;
    });
    expect(drift).toContainEqual(expect.objectContaining({ container: ctrl1, action: 'conflict' }));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const info = await local.getContainer(foreign.id).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels[LABELS.managed]).toBeUndefined();
    expect(git(remote.bare, ['log', '--format=%s', '-1'])).toMatch(/^dockstack: /);
  });

  it('reports a repair that fails as the reason it is not ready until the container serves, and keeps looking meanwhile', async () => {
    await buildSlowStarter();
    await pointFlakyAt(SLOW);
    const flaky = await container(flaky1);
    await rawClient(ENGINES.local)
      .getContainer(flaky?.id ?? '')
      .remove({ force: true });
    // The repair waits up to 12 s for a health check that stays `starting`: the hosts are still
    // looked at every second meanwhile, and the status says flaky1 is not ok.
    const seen: number[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const now = await status();
      seen.push(Date.now() - Date.parse(now.hosts.local?.lastObserved ?? ''));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(
      Math.max(...seen.slice(4)),
      `ages of the last observation: ${seen.join(', ')}`,
    ).toBeLessThan(2_000);
    const failed = await waitFor(
      'the repair reported as failed',
      async () => {
        const ready = await fetch(`${daemon?.base ?? ''}/readyz`);
        const text = await ready.text();
        return ready.status === 503 && text.includes(flaky1) ? text : undefined;
      },
      30_000,
    );
    expect(failed).toContain(
      `the repair of ${flaky1} on local failed: not healthy 12 s after it started`,
    );
    expect((await status()).containers.find((c) => c.name === flaky1)?.ok).toBe(false);
    // The dashboard says the same.
    const dashboard = await (await fetch(`${daemon?.base ?? ''}/`)).text();
    expect(dashboard).toContain(`the repair of ${flaky1} on local failed`);
    const metrics = await (await fetch(`${daemon?.base ?? ''}/metrics`)).text();
    expect(metrics).toMatch(/^dockstack_degraded 1$/m);

    // The image is fixed: a repair of the container makes it serve, and the daemon is ready again.
    await pointFlakyAt('healthy:latest');
    const again = await container(flaky1);
    await rawClient(ENGINES.local)
      .getContainer(again?.id ?? '')
      .remove({ force: true });
    await waitFor(
      'ready again',
      async () => ((await fetch(`${daemon?.base ?? ''}/readyz`)).status === 200 ? true : undefined),
      30_000,
    );
    expect((await status()).containers.find((c) => c.name === flaky1)?.ok).toBe(true);
  }, 90_000);
});

/** An image whose health check stays `starting` for a minute, then fails. */
const SLOW = 'dsa-drift-slow:latest';

function buildSlowStarter(): Promise<void> {
  return buildTestImage(
    ENGINES.local,
    SLOW,
    'FROM healthy:latest\nHEALTHCHECK --interval=1s --timeout=1s --start-period=60s --retries=1 CMD false\n',
  );
}

/** Points FLAKY at `image` on the local engine. */
async function pointFlakyAt(image: string): Promise<void> {
  const [repo, tag] = FLAKY.split(':');
  await rawClient(ENGINES.local)
    .getImage(image)
    .tag({ repo: repo ?? '', tag: tag ?? '' });
}
