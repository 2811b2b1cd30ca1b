import { timingSafeEqual } from 'node:crypto';

import type { Exchange } from './http-handlers.js';
import { readBody } from './read-body.js';
import { busy, PAGE_HEADERS, send } from './http-reply.js';
import { SESSION_MS } from './sessions.js';

/** The cookie that carries a dashboard session's id. */
export const SESSION_COOKIE = 'dockstack_session';

/**
 * True when the request may read what the read token guards: there is no read token, or it
 * carries the token (`Authorization: Bearer`) or a live session's cookie. Answers nothing.
 */
export function mayRead(x: Exchange): boolean {
  const token = x.handlers.readToken;
  if (token === undefined) return true;
  const bearer = bearerOf(x.req.headers.authorization);
  if (bearer !== undefined && sameSecret(bearer, token)) return true;
  const session = cookieOf(x.req.headers.cookie, SESSION_COOKIE);
  return session !== undefined && x.state.sessions.valid(session);
}

/** True when the request may read; otherwise answers 401 (the sign-in form for a page). */
export function readable(x: Exchange, page = false): boolean {
  if (mayRead(x)) return true;
  x.req.resume();
  if (page && x.handlers.dashboard !== undefined) {
    x.res.writeHead(401, PAGE_HEADERS);
    x.res.end(x.head ? undefined : x.handlers.dashboard.login(false));
  } else {
    send(
      x,
      401,
      { error: 'missing or wrong read token' },
      {
        'www-authenticate': 'Bearer realm="dockstack"',
      },
    );
  }
  return false;
}

/**
 * The sign-in form's POST: with the right token, a new session and its cookie (HttpOnly,
 * SameSite=Strict, Secure behind https). Attempts are limited per client address.
 */
export async function login(x: Exchange): Promise<void> {
  const { handlers, req, res } = x;
  if (handlers.dashboard === undefined || handlers.readToken === undefined) {
    req.resume();
    send(x, 404, { error: 'no read token is configured' });
    return;
  }
  if (!x.state.logins.take(req.socket.remoteAddress ?? '')) {
    busy(x, 429, 'too many sign-in attempts: try again in a minute');
    return;
  }
  const body = await readBody(req, 4096);
  const token = new URLSearchParams(body?.toString('utf8') ?? '').get('token') ?? '';
  if (!sameSecret(token, handlers.readToken)) {
    res.writeHead(401, PAGE_HEADERS);
    res.end(handlers.dashboard.login(true));
    return;
  }
  const secure = handlers.publicUrl?.startsWith('https:') === true ? '; Secure' : '';
  const maxAge = String(SESSION_MS / 1000);
  res.writeHead(303, {
    location: './',
    'set-cookie': `${SESSION_COOKIE}=${x.state.sessions.open()}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`,
    'cache-control': 'no-store',
  });
  res.end();
}

export function bearerOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Compares in time that does not depend on where the two differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
