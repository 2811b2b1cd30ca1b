import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { loadDashboard } from '../dashboard/dashboard.js';
import { redact } from '../util/redact.js';
import { createDaemonMetrics } from './daemon-metrics.js';
import { createLogger } from './create-logger.js';
import { INITIAL_STATE } from './daemon-state.js';
import { dashboardFeed } from './dashboard-pages.js';
import { createHttpServer, type HttpHandlers } from './http-server.js';

const READ_TOKEN = 'a-long-read-token-for-the-guards';
const servers: ReturnType<typeof createHttpServer>[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A listener with a dashboard; its port. */
async function listener(extra: Partial<HttpHandlers> = {}): Promise<number> {
  const feed = dashboardFeed(loadDashboard(), () => ({ state: INITIAL_STATE, describe: {} }));
  const server = createHttpServer({
    metrics: createDaemonMetrics(),
    log: createLogger({ write: () => undefined }),
    status: () => ({ head: 'a'.repeat(40) }),
    notReady: () => null,
    trigger: () => undefined,
    mask: (text) => redact(text, []),
    dashboard: feed.handlers,
    ...extra,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request with the headers given as they are (`Host` too); the whole answer. */
function ask(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A request whose answer's head is awaited while its body (or stream) stays open. */
function open(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): { req: ClientRequest; answer: Promise<IncomingMessage> } {
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: options.method ?? 'GET',
    headers: options.headers,
  });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  return { req, answer };
}

describe('the listener answers only for its own host names', () => {
  it('refuses a request for another host name, as DNS rebinding would send it', async () => {
    const port = await listener({ publicUrl: 'https://dockstack.example.org:3288' });
    for (const host of [
      'attacker.example',
      'attacker.example:3288',
      'localhost.attacker.example',
    ]) {
      for (const path of ['/api/status', '/', '/healthz', '/readyz']) {
        const answer = await ask(port, path, { headers: { host } });
        expect(answer.status, `${host}${path}`).toBe(421);
        expect(answer.body).not.toContain('a'.repeat(40));
      }
    }
    for (const host of [
      `localhost:${String(port)}`,
      `127.0.0.1:${String(port)}`,
      'app.localhost',
      '[::1]:3288',
      '10.1.2.3',
      'dockstack.example.org',
      'DOCKSTACK.example.org:443',
    ]) {
      expect((await ask(port, '/api/status', { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('the listener caps what it takes on at once', () => {
  it('opens a bounded number of event streams, then answers 503 until one closes', async () => {
    const port = await listener({ limits: { eventStreams: 3 } });
    const streams = [1, 2, 3].map(() => open(port, '/api/events'));
    for (const stream of streams) stream.req.end();
    for (const stream of streams) expect((await stream.answer).statusCode).toBe(200);
    const refused = await ask(port, '/api/events');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    streams[0]?.req.destroy();
    await expect
      .poll(async () => (await ask(port, '/api/events', { method: 'HEAD' })).status)
      .toBe(200);
    const again = open(port, '/api/events');
    again.req.end();
    expect((await again.answer).statusCode).toBe(200);
    for (const stream of [...streams, again]) stream.req.destroy();
  });

  it('reads a bounded number of webhook bodies at once, then answers 503', async () => {
    const seen: number[] = [];
    const port = await listener({
      limits: { webhookBodies: 2 },
      github: (delivery) => {
        seen.push(delivery.body?.length ?? -1);
        return Promise.resolve({ status: 202, body: { status: 'queued' } });
      },
    });
    const headers = { 'content-type': 'application/json', 'content-length': '200000' };
    const slow = [1, 2].map(() => open(port, '/webhooks/github', { method: 'POST', headers }));
    for (const upload of slow) upload.req.write('x'.repeat(1000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await ask(port, '/webhooks/github', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(third.status).toBe(503);
    expect(seen).toEqual([]);
    for (const upload of slow) upload.req.end('x'.repeat(199_000));
    for (const upload of slow) expect((await upload.answer).statusCode).toBe(202);
    expect(seen).toEqual([200_000, 200_000]);
    const after = await ask(port, '/webhooks/github', { method: 'POST', body: '{}' });
    expect(after.status).toBe(202);
  });
});

describe('/readyz and /metrics without the read token', () => {
  it('say whether the daemon is ready and its counts, not which commit, host or error', async () => {
    const reason = 'unreachable: h2 (tcp://10.0.0.2:2375): connect ECONNREFUSED';
    const metrics = createDaemonMetrics();
    metrics.lastAppliedCommit.set({ commit: 'c'.repeat(40) }, 1);
    metrics.containers.set({ host: 'secret-host.example', state: 'running' }, 3);
    metrics.invalidCommits.inc();
    const port = await listener({ readToken: READ_TOKEN, notReady: () => reason, metrics });

    const ready = await ask(port, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'not ready' });
    const shown = await ask(port, '/metrics');
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('dockstack_invalid_commits_total 1');
    expect(shown.body).toContain('# TYPE dockstack_reconcile_duration_seconds histogram');
    expect(shown.body).not.toContain('c'.repeat(40));
    expect(shown.body).not.toContain('secret-host');
    expect(shown.body).not.toContain('dockstack_last_applied_commit_info');

    const bearer = { authorization: `Bearer ${READ_TOKEN}` };
    expect(JSON.parse((await ask(port, '/readyz', { headers: bearer })).body)).toEqual({
      status: 'not ready',
      reason,
    });
    const full = (await ask(port, '/metrics', { headers: bearer })).body;
    expect(full).toContain(`dockstack_last_applied_commit_info{commit="${'c'.repeat(40)}"} 1`);
    expect(full).toContain('dockstack_containers{host="secret-host.example",state="running"} 3');
  });
});

describe('signing in to the dashboard', () => {
  const form = (token: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });

  it('is rate-limited per client: past the limit even the right token waits a minute', async () => {
    let now = 1_000_000;
    const port = await listener({
      readToken: READ_TOKEN,
      limits: { loginsPerMinute: 3 },
      now: () => now,
    });
    for (let i = 0; i < 3; i++) expect((await ask(port, '/login', form('wrong'))).status).toBe(401);
    const limited = await ask(port, '/login', form(READ_TOKEN));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['set-cookie']).toBeUndefined();
    now += 60_000;
    expect((await ask(port, '/login', form(READ_TOKEN))).status).toBe(303);
  });

  it('opens a session kept by the daemon, Secure behind https, that expires', async () => {
    let now = 1_000_000;
    const port = await listener({
      readToken: READ_TOKEN,
      publicUrl: 'https://dockstack.example.org',
      now: () => now,
    });
    const signedIn = await ask(port, '/login', form(READ_TOKEN));
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(
      /^dockstack_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
    );
    const session = { cookie: cookie.split(';')[0] ?? '' };
    expect((await ask(port, '/api/status', { headers: session })).status).toBe(200);
    const other = await ask(port, '/login', form(READ_TOKEN));
    expect(other.headers['set-cookie']?.[0]).not.toBe(cookie);
    now += 12 * 60 * 60 * 1000;
    expect((await ask(port, '/api/status', { headers: session })).status).toBe(401);
  });
});
