import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRemote, tempDir } from '../git/git-fixture.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'webhook secret';

describe('webhook deliveries from the fake GitHub', () => {
  const dir = tempDir();
  let receiver: WebhookReceiver;
  let fake: FakeGitHub;

  beforeAll(async () => {
    const remote = createRemote(dir.path, { 'environment.yaml': 'services: {}\n' });
    receiver = await startWebhookReceiver();
    fake = await startFakeGitHub({
      owner: 'acme',
      repo: 'env',
      bare: remote.bare,
      token: 'token',
      webhook: { url: receiver.url, secret: SECRET },
    });
  });

  afterAll(async () => {
    await fake.close();
    await receiver.close();
    dir.remove();
  });

  it('signs the exact bytes it sends, as @octokit/webhooks verifies them', async () => {
    const delivery = await fake.deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(delivery).toMatchObject({ event: 'ping', status: 202, body: 'accepted' });
    const got = receiver.received.at(-1)!;
    expect(got.headers).toMatchObject({
      'x-github-event': 'ping',
      'x-github-delivery': delivery.id,
      'content-type': 'application/json',
    });
    expect(got.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(delivery.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const signature = String(got.headers['x-hub-signature-256']);
    expect(await new Webhooks({ secret: SECRET }).verify(got.raw, signature)).toBe(true);
    expect(await new Webhooks({ secret: 'another' }).verify(got.raw, signature)).toBe(false);
  });

  it('replays a delivery id, forges with another secret, or leaves the signature out', async () => {
    const first = await fake.deliver('ping', { zen: 'a' });
    await fake.deliver('ping', { zen: 'a' }, { deliveryId: first.id });
    await fake.deliver('ping', { zen: 'b' }, { secret: 'guessed' });
    await fake.deliver('ping', { zen: 'c' }, { unsigned: true });
    const [original, replay, forged, unsigned] = receiver.received.slice(-4);
    expect(replay?.headers['x-github-delivery']).toBe(original?.headers['x-github-delivery']);
    const verify = (raw: string, signature: unknown): Promise<boolean> =>
      new Webhooks({ secret: SECRET }).verify(raw, String(signature));
    expect(await verify(forged!.raw, forged!.headers['x-hub-signature-256'])).toBe(false);
    expect(unsigned?.headers['x-hub-signature-256']).toBeUndefined();
  });

  it('records a receiver it cannot reach with status 0', async () => {
    fake.setWebhook({ url: 'http://127.0.0.1:9/webhook', secret: SECRET });
    const delivery = await fake.deliver('ping', { zen: 'd' });
    fake.setWebhook({ url: receiver.url, secret: SECRET });
    expect(delivery.status).toBe(0);
    expect(delivery.error).toBeDefined();
    expect(fake.deliveries.at(-1)).toEqual(delivery);
  });
});
