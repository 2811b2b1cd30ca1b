import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { WebhookDelivery } from '../github/receive-webhook.js';
import type { Log } from '../util/log.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import type { DashboardHandlers } from './dashboard-pages.js';

/** The answer to a webhook delivery. */
export interface WebhookReply {
  status: number;
  body: unknown;
}

export interface HttpHandlers {
  metrics: DaemonMetrics;
  log: Log;
  /** The JSON served at /api/status. */
  status: () => unknown;
  /** Null when ready; the reason otherwise. */
  notReady: () => string | null;
  /** Asks for a reconcile now (the push webhook). */
  trigger: (reason: string) => void;
  /** The bearer token POST /webhooks/push requires; the endpoint is off without one. */
  webhookToken?: string;
  /**
   * Handles one delivery to POST /webhooks/github (the raw body, undefined when over the limit);
   * the endpoint is off without it.
   */
  github?: (delivery: WebhookDelivery) => Promise<WebhookReply>;
  /** Hides credentials in every JSON answer (URLs with passwords, tokens). */
  mask?: (text: string) => string;
  /** The dashboard at `/` and its event stream at /api/events; both answer 404 without it. */
  dashboard?: DashboardHandlers;
  /**
   * The token `/`, `/api/status` and `/api/events` require, as a bearer token or as the cookie the
   * dashboard's sign-in form sets; they are open without one.
   */
  readToken?: string;
}

/** The cookie that carries the read token for the dashboard's own requests. */
const READ_COOKIE = 'dockstack_read';
/** A comment on the event stream this often keeps proxies from closing it. */
const HEARTBEAT_MS = 15_000;
/** The dashboard's pages load nothing from elsewhere and run no inline script. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const MAX_BODY = 1024 * 1024;
/** GitHub caps payloads at 25 MB; an env repo's events are far smaller. */
export const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;

/** One request being answered: HEAD gets the headers of GET without the body. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  head: boolean;
  handlers: HttpHandlers;
}

interface Route {
  method: 'GET' | 'POST';
  handle: (exchange: Exchange) => Promise<void> | void;
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/healthz': {
    method: 'GET',
    handle: (x) => {
      send(x, 200, { status: 'ok' });
    },
  },
  '/readyz': {
    method: 'GET',
    handle: (x) => {
      const reason = x.handlers.notReady();
      if (reason === null) send(x, 200, { status: 'ready' });
      else send(x, 503, { status: 'not ready', reason });
    },
  },
  '/metrics': {
    method: 'GET',
    handle: async (x) => {
      const text = await x.handlers.metrics.registry.metrics();
      x.res.writeHead(200, { 'content-type': x.handlers.metrics.registry.contentType });
      x.res.end(x.head ? undefined : text);
    },
  },
  '/': { method: 'GET', handle: dashboardPage },
  '/dashboard.css': { method: 'GET', handle: dashboardAsset },
  '/dashboard.js': { method: 'GET', handle: dashboardAsset },
  '/login': { method: 'POST', handle: login },
  '/api/status': {
    method: 'GET',
    handle: (x) => {
      if (!readable(x)) return;
      send(x, 200, x.handlers.status());
    },
  },
  '/api/events': { method: 'GET', handle: events },
  '/webhooks/push': { method: 'POST', handle: pushWebhook },
  '/webhooks/github': { method: 'POST', handle: githubWebhook },
};

/**
 * The daemon's listener: /healthz (the process answers), /readyz (the last pass reached git and
 * the hosts), /metrics (Prometheus), /api/status (JSON), POST /webhooks/push (a push happened:
 * reconcile now; authenticated with a bearer token; the body is not used), POST /webhooks/github
 * (GitHub's signed deliveries; answered at once, the work queued). HEAD and OPTIONS are answered
 * for every route, other methods with 405. A client that goes away mid-request is not an error.
 */
export function createHttpServer(handlers: HttpHandlers): Server {
  return createServer((req, res) => {
    route(req, res, handlers).catch((error: unknown) => {
      if (req.destroyed || res.destroyed) {
        handlers.log.debug({ path: pathOf(req) }, 'the client went away before the answer');
        return;
      }
      handlers.log.error({ err: error, path: pathOf(req) }, 'http handler failed');
      if (!res.headersSent)
        send({ req, res, head: false, handlers }, 500, { error: 'internal error' });
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, handlers: HttpHandlers) {
  const found = ROUTES[pathOf(req)];
  const exchange: Exchange = { req, res, head: req.method === 'HEAD', handlers };
  if (found === undefined) {
    req.resume();
    send(exchange, 404, { error: 'not found' });
    return;
  }
  const allow = found.method === 'GET' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
  if (req.method === 'OPTIONS') {
    req.resume();
    res.writeHead(204, { allow });
    res.end();
    return;
  }
  if (req.method !== found.method && !(exchange.head && found.method === 'GET')) {
    req.resume();
    res.setHeader('allow', allow);
    send(exchange, 405, { error: `use ${found.method}` });
    return;
  }
  await found.handle(exchange);
}

/** True when the request may read; otherwise answers 401 (the sign-in form for a page). */
function readable(x: Exchange, page = false): boolean {
  const token = x.handlers.readToken;
  if (token === undefined) return true;
  const given =
    bearerOf(x.req.headers.authorization) ?? cookieOf(x.req.headers.cookie, READ_COOKIE);
  if (given !== undefined && sameSecret(given, token)) return true;
  x.req.resume();
  if (page && x.handlers.dashboard !== undefined) {
    x.res.writeHead(401, PAGE_HEADERS);
    x.res.end(x.head ? undefined : x.handlers.dashboard.login(false));
  } else {
    x.res.setHeader('www-authenticate', 'Bearer realm="dockstack"');
    send(x, 401, { error: 'missing or wrong read token' });
  }
  return false;
}

/** `/`: the dashboard; `/?part=content`: its content alone, for the page's script. */
function dashboardPage(x: Exchange): void {
  const dashboard = x.handlers.dashboard;
  if (dashboard === undefined) {
    send(x, 404, { error: 'not found' });
    return;
  }
  if (!readable(x, true)) return;
  const part = new URL(x.req.url ?? '/', 'http://localhost').searchParams.get('part');
  const html = part === 'content' ? dashboard.content() : dashboard.page();
  x.res.writeHead(200, PAGE_HEADERS);
  x.res.end(x.head ? undefined : (x.handlers.mask?.(html) ?? html));
}

function dashboardAsset(x: Exchange): void {
  const asset = x.handlers.dashboard?.assets.get(pathOf(x.req));
  if (asset === undefined) {
    send(x, 404, { error: 'not found' });
    return;
  }
  x.res.writeHead(200, {
    'content-type': asset.type,
    'content-length': asset.body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  x.res.end(x.head ? undefined : asset.body);
}

/** The sign-in form's POST: sets the read cookie when the token is right. */
async function login(x: Exchange): Promise<void> {
  const { handlers, req, res } = x;
  if (handlers.dashboard === undefined || handlers.readToken === undefined) {
    req.resume();
    send(x, 404, { error: 'no read token is configured' });
    return;
  }
  const body = await readBody(req, 4096);
  const token = new URLSearchParams(body?.toString('utf8') ?? '').get('token') ?? '';
  if (!sameSecret(token, handlers.readToken)) {
    res.writeHead(401, PAGE_HEADERS);
    res.end(handlers.dashboard.login(true));
    return;
  }
  res.writeHead(303, {
    location: './',
    'set-cookie': `${READ_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
    'cache-control': 'no-store',
  });
  res.end();
}

/**
 * `/api/events`: server-sent events. An event `state` with `{"version":N}` at once and after
 * every change of the daemon's state; the page fetches its content again when N is new to it.
 */
function events(x: Exchange): void {
  const dashboard = x.handlers.dashboard;
  if (dashboard === undefined) {
    send(x, 404, { error: 'not found' });
    return;
  }
  if (!readable(x)) return;
  const { req, res } = x;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  if (x.head) {
    res.end();
    return;
  }
  const tell = () => {
    res.write(`event: state\ndata: ${JSON.stringify({ version: dashboard.version() })}\n\n`);
  };
  res.write('retry: 2000\n\n');
  tell();
  const stop = dashboard.subscribe(tell);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    stop();
    clearInterval(heartbeat);
  };
  req.once('close', end);
  res.once('close', end);
}

async function pushWebhook(x: Exchange): Promise<void> {
  const { req, handlers } = x;
  if (handlers.webhookToken === undefined) {
    req.resume();
    send(x, 404, { error: 'no webhook token is configured' });
    return;
  }
  if (!authorized(req.headers.authorization, handlers.webhookToken)) {
    req.resume();
    send(x, 401, { error: 'missing or wrong bearer token' });
    return;
  }
  if ((await readBody(req, MAX_BODY)) === undefined) {
    send(x, 413, { error: `body over ${MAX_BODY} bytes` });
    return;
  }
  handlers.trigger('webhook');
  send(x, 202, { status: 'queued' });
}

async function githubWebhook(x: Exchange): Promise<void> {
  const { req, handlers } = x;
  if (handlers.github === undefined) {
    req.resume();
    send(x, 404, { error: 'no webhook secret is configured' });
    return;
  }
  const body = await readBody(req, MAX_WEBHOOK_BODY);
  const reply = await handlers.github({ headers: req.headers, body });
  send(x, reply.status, reply.body);
}

/**
 * The whole body, or undefined when it is over `max` bytes. An oversized body is read to its end
 * and dropped (up to 16 times the limit; past that the connection is cut), so the client gets its
 * 413 instead of a broken pipe.
 */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max * 16) {
      req.destroy();
      return undefined;
    }
    if (size <= max) chunks.push(chunk as Buffer);
  }
  return size > max ? undefined : Buffer.concat(chunks);
}

function authorized(header: string | undefined, token: string): boolean {
  return sameSecret(bearerOf(header) ?? '', token);
}

function bearerOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Compares in time that does not depend on where the two differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function send(x: Exchange, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  x.res.writeHead(status, { 'content-type': 'application/json' });
  x.res.end(x.head ? undefined : (x.handlers.mask?.(text) ?? text));
}
