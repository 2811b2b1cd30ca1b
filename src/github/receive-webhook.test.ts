import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DeliveryLog } from './delivery-log.js';
import { receiveWebhook, type WebhookDelivery } from './receive-webhook.js';

const SECRET = 'a-webhook-secret-of-some-length';
const SHA = 'a'.repeat(40);
const push = { ref: 'refs/heads/main', after: SHA, repository: { full_name: 'ops/env' } };

function delivery(body: string | undefined, headers: Record<string, string> = {}, secret = SECRET) {
  const raw = body === undefined ? undefined : Buffer.from(body);
  const signature =
    raw === undefined ? '' : `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return {
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': 'd-1',
      'x-hub-signature-256': signature,
      'content-type': 'application/json',
      ...headers,
    },
    body: raw,
  };
}

const receive = (d: WebhookDelivery, deliveries = new DeliveryLog()) =>
  receiveWebhook(d, {
    secret: SECRET,
    deliveries,
    maxBytes: 1024,
  });

describe('receiveWebhook', () => {
  it('accepts a delivery signed with the secret and names its event', () => {
    const outcome = receive(delivery(JSON.stringify(push)));
    expect(outcome).toEqual({
      status: 202,
      delivery: 'd-1',
      event: { kind: 'push', repo: 'ops/env', ref: 'refs/heads/main', after: SHA },
    });
  });

  it('refuses a missing, malformed or wrong signature with 401', () => {
    const body = JSON.stringify(push);
    expect(receive(delivery(body, { 'x-hub-signature-256': '' })).status).toBe(401);
    expect(receive(delivery(body, { 'x-hub-signature-256': 'sha1=abc' })).status).toBe(401);
    expect(receive(delivery(body, {}, 'another-secret-entirely')).status).toBe(401);
  });

  it('checks the signature over the exact bytes: a re-serialised body does not pass', () => {
    const signed = delivery(JSON.stringify(push));
    const tampered = { ...signed, body: Buffer.from(JSON.stringify(push, null, 1)) };
    expect(receive(tampered).status).toBe(401);
  });

  it('answers 413 for a body over the limit, before anything else', () => {
    expect(receive({ ...delivery('{}'), body: undefined })).toEqual({
      status: 413,
      error: 'body over 1024 bytes',
    });
  });

  it('answers 400 for signed bodies that are not JSON or lack what dockstack reads', () => {
    expect(receive(delivery('{"ref": '))).toEqual({
      status: 400,
      error: 'the body is not JSON',
    });
    const partial = receive(delivery(JSON.stringify({ ...push, after: 'HEAD' })));
    expect(partial).toMatchObject({ status: 400 });
    expect('error' in partial && partial.error).toContain('after');
    expect(receive(delivery('{}', { 'x-github-delivery': '' })).status).toBe(400);
  });

  it('processes a repeated delivery id once', () => {
    const log = new DeliveryLog();
    const body = JSON.stringify(push);
    expect(receive(delivery(body), log).status).toBe(202);
    expect(receive(delivery(body), log)).toEqual({
      status: 200,
      delivery: 'd-1',
      duplicate: true,
    });
  });

  it('does not remember the id of a delivery it refused', () => {
    const log = new DeliveryLog();
    receive(delivery(JSON.stringify(push), {}, 'forged-by-someone-else'), log);
    expect(receive(delivery(JSON.stringify(push)), log).status).toBe(202);
  });

  it('reads a pull request event', () => {
    const body = JSON.stringify({
      action: 'opened',
      number: 7,
      repository: { full_name: 'ops/env' },
      pull_request: { head: { sha: SHA }, base: { ref: 'main' }, merged: false },
    });
    const outcome = receive(delivery(body, { 'x-github-event': 'pull_request' }));
    expect(outcome).toMatchObject({
      status: 202,
      event: { kind: 'pull_request', action: 'opened', number: 7, headSha: SHA, baseRef: 'main' },
    });
  });

  it('verifies the raw bytes, not their text: bodies that decode alike do not share a signature', () => {
    const signed = Buffer.from([0x7b, 0xff, 0x7d]);
    const other = Buffer.from([0x7b, 0xfe, 0x7d]);
    expect(signed.toString('utf8')).toBe(other.toString('utf8'));
    const signature = `sha256=${createHmac('sha256', SECRET).update(signed).digest('hex')}`;
    const base = delivery('{}');
    const withBody = (body: Buffer) => ({
      headers: { ...base.headers, 'x-hub-signature-256': signature },
      body,
    });
    expect(receive(withBody(signed)).status).toBe(400);
    expect(receive(withBody(other))).toEqual({
      status: 401,
      error: 'signature does not match the webhook secret',
    });
  });

  it('answers an empty body with 401 when unsigned and 400 when signed, never 500', () => {
    const empty = delivery('');
    expect(
      receive({
        ...empty,
        headers: { ...empty.headers, 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
      }).status,
    ).toBe(401);
    expect(receive(empty)).toEqual({ status: 400, error: 'the body is not JSON' });
  });
});
