import type { Exchange } from './http-handlers.js';
import { busy, send } from './http-reply.js';
import { bearerOf, sameSecret } from './read-access.js';
import { readBody } from './read-body.js';

const MAX_BODY = 1024 * 1024;
/** GitHub caps payloads at 25 MB; an env repo's events are far smaller. */
export const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;
/** Webhook bodies read into memory at once unless the limits say otherwise. */
export const MAX_WEBHOOK_BODIES = 4;

/**
 * The body of a webhook, read while fewer than the limit are being read at once; undefined
 * when over `max` bytes; `busy` (answered 503) when too many are being read.
 */
async function webhookBody(x: Exchange, max: number): Promise<Buffer | undefined | 'busy'> {
  if (x.state.bodies >= (x.handlers.limits?.webhookBodies ?? MAX_WEBHOOK_BODIES)) {
    busy(x, 503, 'too many webhook deliveries at once: try again later');
    return 'busy';
  }
  x.state.bodies++;
  try {
    return await readBody(x.req, max);
  } finally {
    x.state.bodies--;
  }
}

/** POST /webhooks/push: a push happened, reconcile now (bearer token; the body is not used). */
export async function pushWebhook(x: Exchange): Promise<void> {
  const { req, handlers } = x;
  if (handlers.webhookToken === undefined) {
    req.resume();
    send(x, 404, { error: 'no webhook token is configured' });
    return;
  }
  if (!sameSecret(bearerOf(req.headers.authorization) ?? '', handlers.webhookToken)) {
    req.resume();
    send(x, 401, { error: 'missing or wrong bearer token' });
    return;
  }
  const body = await webhookBody(x, MAX_BODY);
  if (body === 'busy') return;
  if (body === undefined) {
    send(x, 413, { error: `body over ${String(MAX_BODY)} bytes` });
    return;
  }
  handlers.trigger('webhook');
  send(x, 202, { status: 'queued' });
}

/** POST /webhooks/github: GitHub's signed deliveries, answered at once, the work queued. */
export async function githubWebhook(x: Exchange): Promise<void> {
  const { req, handlers } = x;
  if (handlers.github === undefined) {
    req.resume();
    send(x, 404, { error: 'no webhook secret is configured' });
    return;
  }
  const body = await webhookBody(x, MAX_WEBHOOK_BODY);
  if (body === 'busy') return;
  const reply = await handlers.github({ headers: req.headers, body });
  send(x, reply.status, reply.body);
}
