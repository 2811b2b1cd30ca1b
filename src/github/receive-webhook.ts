import type { IncomingHttpHeaders } from 'node:http';

import type { DeliveryLog } from './delivery-log.js';
import { signatureMatches } from './verify-signature.js';
import { parseEvent, type GitHubEvent } from './webhook-event.js';

export interface WebhookDelivery {
  headers: IncomingHttpHeaders;
  /** The raw body, as received; undefined when it was over the size limit. */
  body: Buffer | undefined;
}

export type WebhookOutcome =
  | { status: 202; delivery: string; event: GitHubEvent }
  | { status: 200; delivery: string; duplicate: true }
  | { status: 400 | 401 | 413 | 415; error: string };

const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
const EVENT_NAME = /^[a-z_]{1,64}$/;

/**
 * Checks one delivery to `POST /webhooks/github`: the size, the `X-Hub-Signature-256` HMAC over
 * the raw bytes (before anything is parsed), the delivery id (a repeat is answered but not
 * processed again), then the JSON and the fields dockstack reads. Only a delivery that passes
 * every check yields an event.
 */
export function receiveWebhook(
  delivery: WebhookDelivery,
  options: { secret: string; deliveries: DeliveryLog; maxBytes: number },
): WebhookOutcome {
  const { headers, body } = delivery;
  if (body === undefined) return { status: 413, error: `body over ${options.maxBytes} bytes` };
  const signature = header(headers, 'x-hub-signature-256');
  if (signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    return { status: 401, error: 'missing or malformed X-Hub-Signature-256' };
  }
  if (!signatureMatches(options.secret, body, signature)) {
    return { status: 401, error: 'signature does not match the webhook secret' };
  }
  const id = header(headers, 'x-github-delivery');
  const name = eventName(headers);
  if (id === undefined || !DELIVERY_ID.test(id)) {
    return { status: 400, error: 'missing or malformed X-GitHub-Delivery' };
  }
  if (name === undefined) {
    return { status: 400, error: 'missing or malformed X-GitHub-Event' };
  }
  const type = header(headers, 'content-type') ?? '';
  if (!type.startsWith('application/json')) {
    return { status: 415, error: 'send the webhook as application/json' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, error: 'the body is not JSON' };
  }
  const parsed = parseEvent(name, payload);
  if (!parsed.ok) return { status: 400, error: parsed.message };
  if (!options.deliveries.offer(id)) return { status: 200, delivery: id, duplicate: true };
  return { status: 202, delivery: id, event: parsed.event };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `X-GitHub-Event` header when it is well-formed (`push`, `pull_request`, ...). */
export function eventName(headers: IncomingHttpHeaders): string | undefined {
  const name = header(headers, 'x-github-event');
  return name !== undefined && EVENT_NAME.test(name) ? name : undefined;
}
