import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDashboard } from './dashboard.js';
import { redact } from '../util/redact.js';
import { createDaemonMetrics } from '../daemon/daemon-metrics.js';
import { createLogger } from '../daemon/create-logger.js';
import { INITIAL_STATE, type DaemonState } from '../daemon/daemon-state.js';
import { dashboardFeed, type DashboardHandlers } from '../daemon/dashboard-pages.js';
import { createHttpServer } from '../daemon/http-server.js';

const READ_TOKEN = 'a-long-read-token-for-tests';

/** The listener with a dashboard over a state the test changes, and its read token. */
function listener(readToken?: string) {
  let state: DaemonState = {
    ...INITIAL_STATE,
    head: 'a'.repeat(40),
    hosts: { h1: { lastObserved: '2026-01-01T00:00:00.000Z', reachable: true } },
    containers: [
      {
        host: 'h1',
        name: 'dns1',
        service: 'dns',
        desired: 'running',
        observed: 'running',
        drifted: false,
        ok: true,
        tier: 0,
        address: '10.0.0.1',
      },
    ],
  };
  const describe = { repo: 'https://user:s3cr3t@git.example/env.git', branch: 'main' };
  const feed = dashboardFeed(loadDashboard(), () => ({ state, describe }));
  // The event streams subscribed now, as the feed sees them.
  const watchers = new Set<() => void>();
  const handlers: DashboardHandlers = {
    ...feed.handlers,
    subscribe: (watcher) => {
      watchers.add(watcher);
      const stop = feed.handlers.subscribe(watcher);
      return () => {
        watchers.delete(watcher);
        stop();
      };
    },
  };
  const server = createHttpServer({
    metrics: createDaemonMetrics(),
    log: createLogger({ write: () => undefined }),
    status: () => ({ head: state.head }),
    notReady: () => null,
    trigger: () => undefined,
    mask: (text) => redact(text, []),
    dashboard: handlers,
    ...(readToken === undefined ? {} : { readToken }),
  });
  return {
    server,
    watchers,
    change: (next: Partial<DaemonState>) => {
      state = { ...state, ...next };
      feed.changed();
    },
  };
}

async function listen(server: ReturnType<typeof listener>['server']): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

function close(server: ReturnType<typeof listener>['server']): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** Reads the event stream until `count` events came; their data. */
async function readEvents(response: Response, count: number): Promise<unknown[]> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  const events: unknown[] = [];
  while (events.length < count) {
    const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = /^event: state\ndata: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) events.push(JSON.parse(data));
    }
  }
  await reader.cancel();
  return events;
}

describe('the dashboard on the daemon listener, open to all', () => {
  const open = listener();
  let base = '';
  beforeAll(async () => {
    base = await listen(open.server);
  });
  afterAll(() => close(open.server));

  it('serves the page drawn on the server, with no credential of the repo URL in it', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<tr data-container="dns1" data-state="running" data-tone="ok">');
    expect(html).toContain('10.0.0.1');
    expect(html).toContain(
      '<time datetime="2026-01-01T00:00:00.000Z">2026-01-01 00:00:00 UTC</time>',
    );
    expect(html).not.toContain('s3cr3t');
    expect(html).toContain('<script src="./dashboard.js" defer></script>');
  });

  it('serves its content alone for the script, and its own stylesheet and script', async () => {
    const content = await (await fetch(`${base}/?part=content`)).text();
    expect(content.trimStart()).toMatch(/^<div id="content" data-version="\d+">/);
    expect(content).not.toContain('<html');
    const css = await fetch(`${base}/dashboard.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.badge');
    const js = await fetch(`${base}/dashboard.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("new EventSource('./api/events'");
  });

  it('streams the state version at once and after every change, and lets go of a closed stream', async () => {
    const response = await fetch(`${base}/api/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reading = readEvents(response, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    open.change({ head: 'b'.repeat(40) });
    open.change({ head: 'c'.repeat(40) });
    expect(await reading).toEqual([{ version: 0 }, { version: 1 }, { version: 2 }]);
    for (let i = 0; i < 50 && open.watchers.size > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(open.watchers.size).toBe(0);
  });
});

describe('the dashboard with a read token', () => {
  const guarded = listener(READ_TOKEN);
  let base = '';
  beforeAll(async () => {
    base = await listen(guarded.server);
  });
  afterAll(() => close(guarded.server));

  it('asks for the token on the page, and refuses the API and the stream without it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(401);
    const form = await page.text();
    expect(form).toContain('<form method="post" action="./login">');
    expect(form).not.toContain('data-container');
    for (const path of ['/api/status', '/api/events', '/?part=content']) {
      const refused = await fetch(`${base}${path}`);
      expect(refused.status, path).toBe(401);
      await refused.body?.cancel();
    }
    expect(
      (await fetch(`${base}/api/status`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    // The health, readiness and metrics endpoints stay open.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/dashboard.css`)).status).toBe(200);
  });

  it('takes the bearer token, and sets a cookie from the sign-in form that opens the page', async () => {
    const api = await fetch(`${base}/api/status`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(api.status).toBe(200);

    const wrong = await fetch(`${base}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'not-the-token' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('not the daemon');

    const signedIn = await fetch(`${base}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token: READ_TOKEN }),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    // The cookie holds a session's random id, kept by the daemon: never the token itself.
    expect(cookie).toMatch(
      /^dockstack_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(READ_TOKEN);
    expect(cookie).not.toContain(encodeURIComponent(READ_TOKEN));
    // The raw token in a cookie opens nothing.
    const raw = await fetch(`${base}/api/status`, {
      headers: { cookie: `dockstack_session=${READ_TOKEN}; dockstack_read=${READ_TOKEN}` },
    });
    expect(raw.status).toBe(401);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-container="dns1"');
    const stream = await fetch(`${base}/api/events`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(await readEvents(stream, 1)).toEqual([{ version: 0 }]);
  });
});
