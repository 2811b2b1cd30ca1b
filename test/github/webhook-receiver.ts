import type { IncomingHttpHeaders } from 'node:http';

import { listenOnLoopback } from './listen-on-loopback.js';

/** A webhook delivery as it arrived. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact bytes of the body, as text. */
  raw: string;
  payload: Record<string, unknown>;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/webhook`. */
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that keeps every POST it gets and answers 202. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(raw) as Record<string, unknown>;
      received.push({ headers: req.headers, raw, payload });
      res.writeHead(202, { 'content-type': 'text/plain' }).end('accepted');
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}/webhook`,
    received,
    close: () => server.close(),
  };
}
