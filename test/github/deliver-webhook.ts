import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';

/** Where GitHub sends a repository's webhooks, and the secret it signs them with. */
export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryOptions {
  /** `X-GitHub-Delivery`; a new uuid by default. Reuse one to replay a delivery. */
  deliveryId?: string;
  /** Sign with this secret instead of the target's (a forged delivery). */
  secret?: string;
  /** Send no signature headers at all. */
  unsigned?: boolean;
}

/** One delivery and the receiver's answer. */
export interface WebhookDelivery {
  id: string;
  event: string;
  /** The payload's `action`, when it has one. */
  action?: string;
  /** The receiver's status code; 0 when it could not be reached or did not answer in 10 s. */
  status: number;
  body: string;
  error?: string;
}

/** `sha256=HEX`: the HMAC GitHub puts in `X-Hub-Signature-256`, over the exact bytes sent. */
export function signWebhookBody(secret: string, raw: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/**
 * POSTs `payload` to the target the way GitHub delivers a webhook: JSON, the event in
 * `X-GitHub-Event`, a delivery id, the HMAC signatures, a Hookshot user agent.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  event: string,
  payload: object,
  options: DeliveryOptions = {},
): Promise<WebhookDelivery> {
  const raw = Buffer.from(JSON.stringify(payload));
  const id = options.deliveryId ?? randomUUID();
  const secret = options.secret ?? target.secret;
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': raw.length,
    'user-agent': 'GitHub-Hookshot/f1e2d3c',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-github-hook-id': 1,
  };
  if (options.unsigned !== true) {
    headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
    headers['x-hub-signature-256'] = signWebhookBody(secret, raw);
  }
  const action = (payload as { action?: unknown }).action;
  const base = { id, event, ...(typeof action === 'string' ? { action } : {}) };
  try {
    const answer = await post(target.url, headers, raw);
    return { ...base, ...answer };
  } catch (error) {
    return { ...base, status: 0, body: '', error: (error as Error).message };
  }
}

function post(
  url: string,
  headers: Record<string, string | number>,
  raw: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(raw);
  });
}
