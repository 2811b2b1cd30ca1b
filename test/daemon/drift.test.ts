import { describe, expect, it } from 'vitest';

import { LABELS } from '../../src/plan/labels.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { startDaemon, waitFor, type DaemonProcess } from './daemon-process.js';

const NAME = `drift-test-${String(process.pid)}`;
const dns1 = `${PREFIX}-drift-dns1`;
const gal1 = `${PREFIX}-drift-gal1`;
const os1 = `${PREFIX}-drift-os1`;
const webui1 = `${PREFIX}-drift-webui1`;
const ctrl1 = `${PREFIX}-drift-ctrl1`;
const services: Services = {
  dns: { [dns1]: { host: 'local' } },
  galera: { [gal1]: { host: 'local' } },
  openstack: { [os1]: { host: 'h2' } },
  control: { [ctrl1]: { host: 'local' } },
  webui: { [webui1]: { host: 'h2' } },
};

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
  hosts: Record<string, { lastObserved: string; reachable: boolean }>;
  drift: { items: { container: string; action: string }[] } | null;
}

describe('the daemon between commits, on real engines', () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = async (): Promise<Status> =>
    (await fetch(`${daemon?.base ?? ''}/api/status`)).json() as Promise<Status>;
  const container = async (name: string) => (await testContainers()).find((c) => c.name === name);

  useTestbed({
    setup: async () => {
      await removeTestContainers();
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
      ]);
      await waitFor('the first commit applied', async () =>
        (await status()).lastApplied?.converged === true ? true : undefined,
      );
    },
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
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
});
