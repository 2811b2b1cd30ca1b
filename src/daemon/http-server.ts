import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { WebhookDelivery } from '../github/receive-webhook.js';
import type { Log } from '../util/log.js';
import type { DaemonMetrics } from './daemon-metrics.js';

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
}

const MAX_BODY = 1024 * 1024;
/** GitHub caps payloads at 25 MB; an env repo's events are far smaller. */
export const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;

/**
 * The daemon's listener: /healthz (the process answers), /readyz (the last pass reached git and
 * the hosts), /metrics (Prometheus), /api/status (JSON), POST /webhooks/push (a push happened:
 * reconcile now; authenticated with a bearer token; the body is not used), POST /webhooks/github
 * (GitHub's signed deliveries; answered at once, the work queued).
 */
export function createHttpServer(handlers: HttpHandlers): Server {
  return createServer((req, res) => {
    route(req, res, handlers).catch((error: unknown) => {
      handlers.log.error({ err: error, path: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, h: HttpHandlers): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    send(res, 200, { status: 'ok' });
    return;
  }
  if (req.method === 'GET' && path === '/readyz') {
    const reason = h.notReady();
    send(
      res,
      reason === null ? 200 : 503,
      reason === null ? { status: 'ready' } : { status: 'not ready', reason },
    );
    return;
  }
  if (req.method === 'GET' && path === '/metrics') {
    res.writeHead(200, { 'content-type': h.metrics.registry.contentType });
    res.end(await h.metrics.registry.metrics());
    return;
  }
  if (req.method === 'GET' && path === '/api/status') {
    send(res, 200, h.status());
    return;
  }
  if (path === '/webhooks/push') {
    if (req.method !== 'POST') {
      send(res, 405, { error: 'use POST' });
      return;
    }
    if (h.webhookToken === undefined) {
      send(res, 404, { error: 'no webhook token is configured' });
      return;
    }
    if (!authorized(req.headers.authorization, h.webhookToken)) {
      req.resume();
      send(res, 401, { error: 'missing or wrong bearer token' });
      return;
    }
    if ((await readBody(req, MAX_BODY)) === undefined) {
      send(res, 413, { error: `body over ${MAX_BODY} bytes` });
      return;
    }
    h.trigger('webhook');
    send(res, 202, { status: 'queued' });
    return;
  }
  if (path === '/webhooks/github') {
    if (req.method !== 'POST') {
      send(res, 405, { error: 'use POST' });
      return;
    }
    if (h.github === undefined) {
      req.resume();
      send(res, 404, { error: 'no webhook secret is configured' });
      return;
    }
    const body = await readBody(req, MAX_WEBHOOK_BODY);
    const reply = await h.github({ headers: req.headers, body });
    send(res, reply.status, reply.body);
    return;
  }
  send(res, 404, { error: 'not found' });
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
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}
