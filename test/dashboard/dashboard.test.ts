import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { PREFIX, removeTestContainers } from '../apply/apply-env.js';
import { ROOT } from '../cli/run-dockstack.js';
import { startDaemon, waitFor, type DaemonProcess } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import {
  assertNetworkImages,
  removeTestNetworks,
  removeTestVolumes,
  seedOverTwoEngines,
} from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';

const NAME = `seed-net-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;
const READ_TOKEN = 'a-read-token-for-the-dashboard-test';
/** Debian's Chromium, unless DOCKSTACK_CHROMIUM names another. */
const CHROMIUM = process.env.DOCKSTACK_CHROMIUM ?? '/usr/bin/chromium';
/** Where the run leaves its screenshots. */
const SHOTS = join(ROOT, 'test-results', 'dashboard');

/**
 * A TCP relay to the second engine, so the test can take that host off the network and bring it
 * back: the daemon reaches h2 only through it.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    const server = createServer((client) => {
      const engine = connect(2375, '10.200.0.2');
      for (const socket of [client, engine]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          engine.destroy();
        });
      }
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('the dashboard in Chromium', () => {
  const root = tempDir();
  const relay = new Relay();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;

  const shot = async (name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const row = (name: string) => page.locator(`tr[data-container="${name}"]`);

  useTestbed({
    setup: async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `no Chromium at ${CHROMIUM}: apt-get install chromium (or set DOCKSTACK_CHROMIUM)`,
        );
      }
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestNetworks();
      await removeTestVolumes();
      await relay.up();
      const env = parse(seedOverTwoEngines(NAME, PREFIX)) as {
        hosts: Record<string, Record<string, string>>;
      };
      env.hosts.h2 = { ...env.hosts.h2, docker: `tcp://127.0.0.1:${String(relay.port)}` };
      remote = createRemote(root.path, { 'environment.yaml': stringify(env) });
      daemon = await startDaemon(
        [
          '--repo',
          remote.fileUrl,
          '--workdir',
          `${root.path}/work`,
          '--interval',
          '1',
          '--drift-interval',
          '1',
        ],
        { DOCKSTACK_READ_TOKEN: READ_TOKEN },
      );
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    },
    teardown: async () => {
      try {
        await browser?.close();
        await daemon?.stop();
        await relay.down();
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
      } finally {
        root.remove();
      }
    },
  });

  it("asks for the read token, then shows the seed's 13 containers by tier", async () => {
    const base = daemon?.base ?? '';
    await page.goto(`${base}/`);
    await page.getByLabel('Read token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.locator('#live-status[data-state="live"]').waitFor();

    const running = page.locator('tr[data-container][data-state="running"]');
    await waitFor(
      '13 running containers on the page',
      async () => ((await running.count()) === 13 ? true : undefined),
      120_000,
    );
    expect(await page.locator('tr[data-container]').count()).toBe(13);
    for (const host of ['local', 'h2']) {
      await expect
        .poll(() => page.locator(`article[data-host="${host}"]`).getAttribute('data-reach'))
        .toBe('reachable');
    }
    const tiers = (
      await page.locator('article[data-host="local"] .tier-head th').allTextContents()
    ).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(tiers[0]).toBe('tier 1 dns');
    const numbers = tiers.map((t) => Number(/^tier (\d+)/.exec(t)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    await expect.poll(() => row(p('dns1')).locator('td').nth(3).textContent()).toBe('10.0.0.1');
    await shot('seed');
  }, 180_000);

  it('shows a commit that adds webui2 live, then the container, without a reload', async () => {
    // A mark on the window: gone if the page were loaded again.
    await page.evaluate('window.stayed = true');
    const text = git(remote.bare, ['show', 'main:environment.yaml']);
    const env = parse(text) as { services: Record<string, Record<string, unknown>> };
    env.services.webui = { ...env.services.webui, [p('webui2')]: { host: 'h2' } };
    const pushed = remote.push({ 'environment.yaml': stringify(env) }, 'Add webui2');

    const commit = page.locator(`li[data-commit="${pushed}"]`);
    await commit.waitFor({ timeout: 60_000 });
    expect(await commit.textContent()).toContain('Add webui2');
    expect(await commit.locator('.delta').textContent()).toBe(`+${p('webui2')}`);
    await row(p('webui2')).and(page.locator('[data-state="running"]')).waitFor({ timeout: 60_000 });
    expect(await page.evaluate('window.stayed')).toBe(true);
    expect(await page.locator('tr[data-container]').count()).toBe(14);
    await shot('webui2-added');
  }, 120_000);

  it('shows a host that goes down as unreachable, and back when it answers again', async () => {
    await relay.down();
    const h2 = page.locator('article[data-host="h2"]');
    await page.locator('article[data-host="h2"][data-reach="unreachable"]').waitFor({
      timeout: 60_000,
    });
    expect(await h2.locator('h3 .badge').textContent()).toBe('unreachable');
    expect(await h2.locator('tr[data-container][data-state="unknown"]').count()).toBeGreaterThan(0);
    await shot('h2-unreachable');

    await relay.up();
    await page.locator('article[data-host="h2"][data-reach="reachable"]').waitFor({
      timeout: 60_000,
    });
  }, 120_000);

  it('reads well on a phone and can be used with the keyboard', async () => {
    const phone = await (browser as Browser).newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    try {
      const cookies = await page.context().cookies();
      await phone.context().addCookies(cookies);
      await phone.goto(`${daemon?.base ?? ''}/`);
      await phone.locator('#live-status[data-state="live"]').waitFor();
      // Nothing wider than the screen but the tables, which scroll on their own.
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.keyboard.press('Tab');
      expect(await phone.evaluate('document.activeElement.textContent')).toBe('Skip to the hosts');
      await phone.keyboard.press('Enter');
      await phone.locator('#hosts:focus').waitFor({ timeout: 5_000 });
      // The content is swapped on every state change (the drift check ticks every second here):
      // the focus stays on the section the skip link led to.
      const before = await phone.locator('#content').getAttribute('data-version');
      await phone
        .locator(`#content:not([data-version="${before ?? ''}"])`)
        .waitFor({ timeout: 20_000 });
      expect(await phone.evaluate('document.activeElement.id')).toBe('hosts');
      mkdirSync(SHOTS, { recursive: true });
      await phone.screenshot({ path: join(SHOTS, 'phone.png') });
    } finally {
      await phone.close();
    }
  }, 60_000);
});
