import type { IncomingMessage } from 'node:http';

import type { Exchange } from './http-handlers.js';

/** The dashboard's pages load nothing from elsewhere and run no inline script. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A JSON answer, with every credential masked. */
export function send(
  x: Pick<Exchange, 'res' | 'head' | 'handlers'>,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  x.res.writeHead(status, { 'content-type': 'application/json', ...headers });
  x.res.end(x.head ? undefined : (x.handlers.mask?.(text) ?? text));
}

/** Too much at once: the request is dropped unread, the client told when to come back. */
export function busy(x: Exchange, status: 429 | 503, what: string): void {
  x.req.resume();
  send(x, status, { error: what }, { 'retry-after': status === 429 ? '60' : '5' });
}

export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
