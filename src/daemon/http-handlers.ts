import type { IncomingMessage, ServerResponse } from 'node:http';

import type { WebhookDelivery } from '../github/receive-webhook.js';
import type { Log } from '../util/log.js';
import type { DaemonMetrics } from './daemon-metrics.js';
import type { DashboardHandlers } from './dashboard-pages.js';
import type { RateLimit } from './rate-limit.js';
import type { Sessions } from './sessions.js';

/** The answer to a webhook delivery. */
export interface WebhookReply {
  status: number;
  body: unknown;
}

/** How much the listener takes on at once; beyond, it answers 429 or 503. */
export interface HttpLimits {
  /** Event streams (`/api/events`) open at once; 64 unless given. */
  eventStreams?: number;
  /** Webhook bodies being read into memory at once (up to 5 MiB each); 4 unless given. */
  webhookBodies?: number;
  /** Sign-in attempts per client address and minute; 10 unless given (and 60 from all). */
  loginsPerMinute?: number;
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
   * The token `/`, `/api/status` and `/api/events` require, as a bearer token or through a
   * session the dashboard's sign-in form opens; they are open without one. Without it,
   * `/readyz` and `/metrics` say no more than whether the daemon is ready and its counts.
   */
  readToken?: string;
  /**
   * Where people reach the listener: its host name is answered besides loopback names and IP
   * addresses, and behind https the session cookie is Secure.
   */
  publicUrl?: string;
  limits?: HttpLimits;
  /** Milliseconds since the epoch; Date.now unless given. */
  now?: () => number;
}

/** What the listener keeps between requests. */
export interface ListenerState {
  sessions: Sessions;
  logins: RateLimit;
  /** Event streams open now. */
  streams: number;
  /** Webhook bodies being read now. */
  bodies: number;
}

/** One request being answered: HEAD gets the headers of GET without the body. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  head: boolean;
  handlers: HttpHandlers;
  state: ListenerState;
}
