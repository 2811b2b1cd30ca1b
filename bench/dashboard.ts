/**
 * The dashboard at scale: 1,000 containers over 50 hosts (20 each, over the seed's ten tiers) and
 * 50 commits in the audit trail, served by the daemon's own listener and opened in Debian's
 * Chromium (DOCKSTACK_CHROMIUM to use another). Medians of 7:
 * - drawn on the server: the whole page, and the content the live update fetches;
 * - in Chromium: from navigation to the load event (page, stylesheet and script over HTTP);
 * - a live update: from the state event to the new content swapped in (fetch and DOM).
 * Target: the page renders in under 300 ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { chromium } from 'playwright-core';

import { createDaemonMetrics } from '../src/daemon/daemon-metrics.js';
import { createLogger } from '../src/daemon/create-logger.js';
import { INITIAL_STATE, type DaemonState } from '../src/daemon/daemon-state.js';
import { dashboardFeed } from '../src/daemon/dashboard-pages.js';
import { createHttpServer } from '../src/daemon/http-server.js';
import { loadDashboard } from '../src/dashboard/dashboard.js';
import type { ContainerState } from '../src/plan/compare-state.js';

const HOSTS = 50;
const PER_HOST = 20;
const RUNS = 7;
const TARGET_MS = 300;
const CHROMIUM = process.env.DOCKSTACK_CHROMIUM ?? '/usr/bin/chromium';
const SERVICES = ['dns', 'puppet', 'haproxy', 'galera', 'openstack', 'cassandra', 'config'];
const MORE = ['collector', 'control', 'webui'];

function bigState(): DaemonState {
  const containers: ContainerState[] = [];
  const hosts: DaemonState['hosts'] = {};
  const at = new Date().toISOString();
  for (let h = 0; h < HOSTS; h++) {
    const host = `host${String(h + 1).padStart(2, '0')}`;
    hosts[host] = { lastObserved: at, reachable: h !== 7 };
    for (let i = 0; i < PER_HOST; i++) {
      const n = h * PER_HOST + i;
      const tier = i % 10;
      const service = [...SERVICES, ...MORE][tier] ?? 'webui';
      containers.push({
        host,
        name: `${service}${String(n + 1)}`,
        service,
        desired: 'running',
        observed: h === 7 ? 'unknown' : i === 3 ? 'stopped' : 'running',
        drifted: i === 5,
        ok: h !== 7 && i !== 3 && i !== 5,
        tier,
        address: `10.${String(Math.floor(n / 250))}.${String(n % 250)}.${String((n % 200) + 1)}`,
        mac: `de:ad:be:ef:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`,
        ...(i % 4 === 0 ? { health: 'healthy' as const } : {}),
      });
    }
  }
  const commits = Array.from({ length: 50 }, (_, i) => ({
    sha: (i + 1).toString(16).padStart(40, '0'),
    subject: `Change number ${String(i + 1)}`,
    author: 'Ann Example <ann@example.org>',
    date: at,
    valid: true,
    delta: { added: [`webui${String(i + 1)}`], removed: [], changed: [], started: [], stopped: [] },
  }));
  return {
    ...INITIAL_STATE,
    head: commits[49]?.sha ?? null,
    lastPass: { at, durationMs: 4200, outcome: 'failed' },
    lastApplied: { commit: commits[48]?.sha ?? '', at, converged: false },
    degraded: 'unreachable: host08',
    hosts,
    containers,
    commits,
    unreachable: [{ host: 'host08', error: 'connect ECONNREFUSED', containers: [] }],
  };
}

/** The containers as one table of text, nothing else: the browser's floor for that many rows. */
function bareTable(state: DaemonState): string {
  const rows = state.containers.map(
    (c) =>
      `<tr><td>${c.name}</td><td>${c.service ?? ''}</td><td>${c.observed}</td><td>${c.health ?? ''}</td>` +
      `<td>${c.address ?? ''}</td><td>${c.mac ?? ''}</td><td>${c.drifted ? 'drifted' : ''}</td></tr>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body><table>${rows.join('')}</table></body></html>`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(run: () => Promise<number> | number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < RUNS; i++) values.push(await run());
  return median(values);
}

async function main(): Promise<void> {
  let state = bigState();
  const feed = dashboardFeed(loadDashboard(), () => ({
    state,
    describe: { repo: 'https://git.example/env.git', branch: 'main' },
  }));
  const server = createHttpServer({
    metrics: createDaemonMetrics(),
    log: createLogger({ write: () => undefined }),
    status: () => ({}),
    notReady: () => null,
    trigger: () => undefined,
    dashboard: feed.handlers,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const pageBytes = feed.handlers.page().length;
    const serverPage = await timed(() => {
      const started = performance.now();
      feed.handlers.page();
      return performance.now() - started;
    });
    const serverContent = await timed(() => {
      const started = performance.now();
      feed.handlers.content();
      return performance.now() - started;
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const loadTime = () =>
      page.evaluate<number>("performance.getEntriesByType('navigation')[0].loadEventEnd");
    // The reference: what this machine's Chromium takes for a page of the same rows as one bare
    // table, no stylesheet, no script.
    const bare = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(bareTable(state));
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${String((bare.address() as AddressInfo).port)}/`;
    const reference = await timed(async () => {
      await page.goto(bareUrl, { waitUntil: 'load' });
      return loadTime();
    });
    bare.close();
    const load = await timed(async () => {
      await page.goto(`${base}/`, { waitUntil: 'load' });
      return page.evaluate<number>("performance.getEntriesByType('navigation')[0].loadEventEnd");
    });
    await page.locator('#live-status[data-state="live"]').waitFor();

    const update = await timed(async () => {
      const before = feed.handlers.version();
      await page.evaluate(
        "window.swapped = new Promise((resolve) => new MutationObserver((_, o) => { o.disconnect(); resolve(performance.now()); }).observe(document.getElementById('live'), { childList: true })); true",
      );
      const sentAt = await page.evaluate<number>('performance.now()');
      state = { ...state, head: (before + 100).toString(16).padStart(40, '0') };
      feed.changed();
      const swappedAt = await page.evaluate<number>('window.swapped');
      return swappedAt - sentAt;
    });
    const shown = await page.locator('tr[data-container]').count();
    if (shown !== HOSTS * PER_HOST) throw new Error(`the page shows ${String(shown)} containers`);

    const row = (label: string, ms: number, target = '') =>
      `  ${label.padEnd(46)}${`${ms.toFixed(1)} ms`.padStart(10)}  ${target}`;
    const verdict = (ms: number) =>
      `(target < ${String(TARGET_MS)} ms: ${ms < TARGET_MS ? 'met' : 'MISSED'})`;
    console.log(
      `dashboard: ${String(HOSTS * PER_HOST)} containers over ${String(HOSTS)} hosts, 50 commits ` +
        `(${(pageBytes / 1024).toFixed(0)} KiB of HTML), median of ${String(RUNS)}`,
    );
    console.log(row('drawn on the server: the page', serverPage));
    console.log(row('drawn on the server: the live content', serverContent));
    console.log(row('Chromium: navigation to load event', load, verdict(load)));
    console.log(row('  reference: the same rows as one bare table', reference));
    console.log(row('Chromium: state event to new content shown', update, verdict(update)));
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}

await main();
