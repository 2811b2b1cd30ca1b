import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { eventStream } from './event-stream.js';
import type { Exchange, HttpHandlers, ListenerState } from './http-handlers.js';
import { isOwnHost } from './host-check.js';
import { PAGE_HEADERS, pathOf, send } from './http-reply.js';
import { privateMetrics } from './private-metrics.js';
import { RateLimit } from './rate-limit.js';
import { login, mayRead, readable } from './read-access.js';
import { Sessions } from './sessions.js';
import { githubWebhook, pushWebhook } from './webhook-routes.js';

export type { HttpHandlers, HttpLimits, WebhookReply } from './http-handlers.js';
export { MAX_WEBHOOK_BODY } from './webhook-routes.js';

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
      // Why is for those who may read: the reason names hosts, commits and errors.
      else send(x, 503, { status: 'not ready', ...(mayRead(x) ? { reason } : {}) });
    },
  },
  '/metrics': {
    method: 'GET',
    handle: async (x) => {
      const { registry } = x.handlers.metrics;
      const text = await registry.metrics();
      x.res.writeHead(200, { 'content-type': registry.contentType });
      x.res.end(x.head ? undefined : mayRead(x) ? text : privateMetrics.without(text));
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
  '/api/events': { method: 'GET', handle: eventStream },
  '/webhooks/push': { method: 'POST', handle: pushWebhook },
  '/webhooks/github': { method: 'POST', handle: githubWebhook },
};

/**
 * The daemon's listener: /healthz (the process answers), /readyz (the last pass reached git and
 * the hosts), /metrics (Prometheus), /api/status (JSON), POST /webhooks/push (a push happened:
 * reconcile now; authenticated with a bearer token; the body is not used), POST /webhooks/github
 * (GitHub's signed deliveries; answered at once, the work queued). HEAD and OPTIONS are answered
 * for every route, other methods with 405. A request for another host name than the listener's
 * own (see isOwnHost) gets 421. A client that goes away mid-request is not an error.
 */
export function createHttpServer(handlers: HttpHandlers): Server {
  const now = handlers.now ?? Date.now;
  const logins = handlers.limits?.loginsPerMinute ?? 10;
  const state: ListenerState = {
    sessions: new Sessions(now),
    logins: new RateLimit({ limit: logins, total: logins * 6, windowMs: 60_000, now }),
    streams: 0,
    bodies: 0,
  };
  return createServer((req, res) => {
    route(req, res, handlers, state).catch((error: unknown) => {
      if (req.destroyed || res.destroyed) {
        handlers.log.debug({ path: pathOf(req) }, 'the client went away before the answer');
        return;
      }
      handlers.log.error({ err: error, path: pathOf(req) }, 'http handler failed');
      if (!res.headersSent) send({ res, head: false, handlers }, 500, { error: 'internal error' });
    });
  });
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: HttpHandlers,
  state: ListenerState,
) {
  const exchange: Exchange = { req, res, head: req.method === 'HEAD', handlers, state };
  if (!isOwnHost(req.headers.host, handlers.publicUrl)) {
    req.resume();
    send(exchange, 421, {
      error:
        'this listener answers for loopback names, IP addresses and the host of its public URL (--public-url) only',
    });
    return;
  }
  const found = ROUTES[pathOf(req)];
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
    send(exchange, 405, { error: `use ${found.method}` }, { allow });
    return;
  }
  await found.handle(exchange);
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
