import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createDaemonMetrics } from './daemon-metrics.js';
import { createLogger } from './create-logger.js';
import { redact } from '../util/redact.js';
import { createHttpServer } from './http-server.js';

describe('the daemon listener', () => {
  let base = '';
  let ready: string | null = null;
  const triggers: string[] = [];
  const logLines: string[] = [];
  const server = createHttpServer({
    metrics: createDaemonMetrics(),
    log: createLogger({ write: (l) => logLines.push(l) }),
    status: () => ({
      head: 'abc',
      repo: 'https://user:s3cr3t@git.example/env.git?access_token=t0k3n',
    }),
    notReady: () => ready,
    trigger: (reason) => triggers.push(reason),
    webhookToken: 'a-long-webhook-token',
    mask: (text) => redact(text, ['extra-secret-value']),
  });

  beforeEach(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    triggers.length = 0;
  });
  afterEach(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  it('answers /healthz, and /readyz by the daemon state', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    ready = 'git remote unreachable';
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      reason: 'git remote unreachable',
    });
    ready = null;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves Prometheus metrics and the status JSON', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('# TYPE dockstack_reconcile_duration_seconds histogram');
    expect(metrics).toContain('dockstack_process_resident_memory_bytes');
    expect(await (await fetch(`${base}/api/status`)).json()).toEqual({
      head: 'abc',
      repo: 'https://***@git.example/env.git?access_token=***',
    });
  });

  it('queues a reconcile for an authenticated push webhook, at once', async () => {
    const res = await fetch(`${base}/webhooks/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-webhook-token' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    expect(triggers).toEqual(['webhook']);
  });

  it('refuses a push webhook without the right token, and queues nothing', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Bearer a-long-webhook-token2',
      'a-long-webhook-token',
    ]) {
      const res = await fetch(`${base}/webhooks/push`, {
        method: 'POST',
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
      expect(res.status).toBe(401);
    }
    expect(triggers).toEqual([]);
  });

  it('refuses an oversized body and other methods', async () => {
    const big = await fetch(`${base}/webhooks/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-webhook-token' },
      body: 'x'.repeat(2 * 1024 * 1024),
    }).catch(() => undefined);
    expect(big === undefined || big.status === 413).toBe(true);
    expect(triggers).toEqual([]);
    expect((await fetch(`${base}/webhooks/push`)).status).toBe(405);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('answers HEAD like GET without a body, OPTIONS with what is allowed, others with 405', async () => {
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${base}/metrics`, { method: 'HEAD' })).status).toBe(200);
    const options = await fetch(`${base}/api/status`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const put = await fetch(`${base}/healthz`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await fetch(`${base}/webhooks/push`, { method: 'HEAD' })).status).toBe(405);
  });

  it('takes a client that goes away mid-request calmly: no error line', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${base}/webhooks/push`);
    const req = request(url, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-webhook-token', 'content-length': '1000' },
    });
    req.on('error', () => undefined);
    req.write('x'.repeat(10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logLines.filter((line) => line.includes('"level":50'))).toEqual([]);
    expect(triggers).toEqual([]);
  });
});
