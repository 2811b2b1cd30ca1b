import type { Credentials, FakeGitHubApp } from './authenticate-caller.js';
import {
  deliverWebhook,
  type DeliveryOptions,
  type WebhookDelivery,
  type WebhookTarget,
} from './deliver-webhook.js';
import type { FakeGitHubState } from './fake-github-state.js';
import type { FakeRepository } from './repository-json.js';
import type { EventSource } from './webhook-payloads.js';

/** What the fake's routes and actions share. */
export interface FakeGitHubCore {
  repository: FakeRepository;
  state: FakeGitHubState;
  credentials: Credentials;
  app: FakeGitHubApp | undefined;
  /** The login of the person who merges and pushes. */
  person: string;
  webhook: WebhookTarget | undefined;
  deliveries: WebhookDelivery[];
  /** Each branch's head as the fake last announced it (the `before` of the next push). */
  knownHeads: Map<string, string>;
  /** Delivers now; throws when no webhook is configured. */
  deliver(event: string, payload: object, options?: DeliveryOptions): Promise<WebhookDelivery>;
  /** Delivers when a webhook is configured, without waiting (see `settled`). */
  deliverLater(event: string, payload: object): void;
  /** Resolves when every delivery started so far has been answered. */
  settled(): Promise<void>;
  /** Where events that `sender` causes come from. */
  source(sender: string): EventSource;
}

export function createFakeGitHubCore(
  fields: Omit<FakeGitHubCore, 'deliver' | 'deliverLater' | 'settled' | 'source' | 'deliveries'>,
): FakeGitHubCore {
  const pending = new Set<Promise<WebhookDelivery>>();
  const core: FakeGitHubCore = {
    ...fields,
    deliveries: [],
    deliver: (event, payload, options) => {
      const target = core.webhook;
      if (target === undefined) return Promise.reject(new Error('no webhook configured'));
      const delivery = deliverWebhook(target, event, payload, options).then((done) => {
        core.deliveries.push(done);
        return done;
      });
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
      return delivery;
    },
    deliverLater: (event, payload) => {
      if (core.webhook !== undefined) void core.deliver(event, payload);
    },
    settled: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    source: (sender) => ({
      repository: core.repository,
      sender,
      ...(core.app === undefined ? {} : { installationId: core.app.installationId }),
    }),
  };
  return core;
}
