import { systemClock, type Clock } from '../util/clock.js';
import type { Log } from '../util/log.js';
import { LogBudget } from '../util/log-budget.js';
import { DeliveryLog } from './delivery-log.js';
import type { RepoName } from './github-api.js';
import {
  eventName,
  receiveWebhook,
  type WebhookDelivery,
  type WebhookOutcome,
} from './receive-webhook.js';
import { routeEvent, type EventAction } from './route-event.js';

/** What became of one delivery, for the metric of deliveries. */
export type DeliveryResult = 'refused' | 'duplicate' | 'ignored' | 'queued';

/** The reply to a delivery, and what it asks the daemon to do. */
export interface WebhookAnswer {
  status: number;
  body: unknown;
  result: DeliveryResult;
  /**
   * The event it is counted under: `push`, `pull_request`, `ping` or `other` once verified;
   * `unverified` when refused (a name in a delivery that failed its checks is not trusted).
   */
  event: string;
  action:
    | { do: 'reconcile'; reason: string }
    | { do: 'plan'; number: number; headSha: string }
    | { do: 'nothing' };
}

export interface WebhookHandlerOptions {
  /** The secret GitHub signs deliveries with. */
  secret: string;
  /** The repository and branch whose events count; events about others are ignored. */
  target: { repo: RepoName; branch: string };
  /** False when there is nothing to plan pull requests with (no GitHub credentials). */
  canPlan: boolean;
  maxBytes: number;
  log: Log;
  clock?: Clock;
}

/** The events counted under their own name; any other is counted as `other`. */
const COUNTED_EVENTS: ReadonlySet<string> = new Set(['push', 'pull_request', 'ping']);

/**
 * The handler of POST /webhooks/github: verified, deduplicated deliveries become a reconcile (a
 * push to the branch, a merge) or a pull request plan; the reply is decided here and sent at once,
 * the work is the caller's.
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (delivery: WebhookDelivery) => Promise<WebhookAnswer> {
  const { secret, target, log } = options;
  const deliveries = new DeliveryLog();
  const refusals = new LogBudget(options.clock ?? systemClock);
  return (delivery) => {
    const outcome = receiveWebhook(delivery, { secret, deliveries, maxBytes: options.maxBytes });
    const name = eventName(delivery.headers) ?? 'unknown';
    return Promise.resolve(answer(outcome, COUNTED_EVENTS.has(name) ? name : 'other'));
  };

  function answer(outcome: WebhookOutcome, event: string): WebhookAnswer {
    if ('error' in outcome) {
      const { write, heldBack } = refusals.take();
      if (heldBack > 0) {
        log.warn({ count: heldBack }, 'more webhook deliveries were refused than were logged');
      }
      if (write) {
        log.warn({ status: outcome.status, reason: outcome.error }, 'webhook delivery refused');
      }
      return {
        status: outcome.status,
        result: 'refused',
        body: { error: outcome.error },
        event: 'unverified',
        action: { do: 'nothing' },
      };
    }
    const { delivery } = outcome;
    if ('duplicate' in outcome) {
      log.info({ delivery, event }, 'webhook delivery seen before: not processed again');
      return {
        status: 200,
        result: 'duplicate',
        body: { status: 'duplicate', delivery },
        event,
        action: { do: 'nothing' },
      };
    }
    const action: EventAction = routeEvent(outcome.event, target);
    if (action.do === 'reconcile' || (action.do === 'plan' && options.canPlan)) {
      if (action.do === 'plan')
        log.info({ pull: action.number, head: action.headSha }, 'pull request to plan');
      return {
        status: 202,
        result: 'queued',
        body: { status: 'queued', delivery },
        event,
        action,
      };
    }
    const reason =
      action.do === 'plan' ? 'no GitHub credentials: pull requests are not planned' : action.reason;
    log.info({ delivery, event, reason }, 'webhook delivery ignored');
    return {
      status: 202,
      result: 'ignored',
      body: { status: 'ignored', reason },
      event,
      action: {
        do: 'nothing',
        ...(action.do === 'nothing' && action.closed !== undefined
          ? { closed: action.closed }
          : {}),
      },
    };
  }
}
