import type { WebhookDelivery } from '../github/receive-webhook.js';
import type { WebhookReply } from './http-handlers.js';

/** What a delivery to POST /webhooks/github asks of the daemon, besides the reply. */
export type WebhookAction =
  | { do: 'reconcile'; reason: string; closed?: number }
  | { do: 'plan'; number: number; headSha: string }
  | { do: 'nothing'; closed?: number };

/**
 * Turns a raw delivery into a reply, the event and result it is counted under, and an action
 * (see github/webhook-handler.ts).
 */
export type WebhookReceiver = (
  delivery: WebhookDelivery,
) => Promise<WebhookReply & { action: WebhookAction; event: string; result: string }>;
