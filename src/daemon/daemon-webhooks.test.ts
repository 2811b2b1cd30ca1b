import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { FakeEnvRepo } from '../../test/fakes/fake-env-repo.js';
import { createWebhookHandler } from '../github/webhook-handler.js';
import { loadRenderer } from '../render/renderer.js';
import { createDaemon, type Daemon } from './daemon.js';
import { createDaemonMetrics } from './daemon-metrics.js';
import { createLogger } from './create-logger.js';
import { MAX_WEBHOOK_BODY } from './http-server.js';

describe('the daemon under a flood of refused webhook deliveries', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
  });

  it('adds no metric series per delivery and logs a bounded number of lines', async () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    const repo = new FakeEnvRepo();
    daemon = createDaemon({
      repo,
      remoteHead: () => Promise.resolve(undefined),
      envPath: 'environment.yaml',
      pass: { connect: () => new Map(), renderer: loadRenderer() },
      log,
      metrics: createDaemonMetrics(),
      intervalMs: 3_600_000,
      listen: { host: '127.0.0.1', port: 0 },
      describe: {},
      webhooks: createWebhookHandler({
        secret: 'a-webhook-secret-of-some-length',
        target: { repo: { owner: 'ops', repo: 'env' }, branch: 'main' },
        canPlan: false,
        maxBytes: MAX_WEBHOOK_BODY,
        log,
      }),
    });
    const { port } = await daemon.start();
    const base = `http://127.0.0.1:${String(port)}`;
    const before = lines.length;
    const statuses = new Map<number, number>();
    const DELIVERIES = 20_000;
    for (let sent = 0; sent < DELIVERIES; sent += 250) {
      const replies = await Promise.all(
        Array.from({ length: 250 }, () =>
          fetch(`${base}/webhooks/github`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-github-event': `e${randomBytes(6).toString('hex')}`,
              'x-github-delivery': randomBytes(8).toString('hex'),
              'x-hub-signature-256': `sha256=${randomBytes(32).toString('hex')}`,
            },
            body: '{"zen":"x"}',
          }).then(async (reply) => {
            await reply.arrayBuffer();
            return reply.status;
          }),
        ),
      );
      for (const status of replies) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(statuses).toEqual(new Map([[401, DELIVERIES]]));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics.length).toBeLessThan(50_000);
    const series = metrics
      .split('\n')
      .filter((line) => line.startsWith('dockstack_webhook_deliveries_total{'));
    expect(series).toEqual([
      `dockstack_webhook_deliveries_total{event="unverified",result="refused"} ${String(DELIVERIES)}`,
    ]);
    const refusedLines = lines.slice(before).filter((line) => line.includes('refused'));
    expect(refusedLines.length).toBeLessThanOrEqual(11);
  }, 60_000);
});
