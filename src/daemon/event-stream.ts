import type { Exchange } from './http-handlers.js';
import { busy, send } from './http-reply.js';
import { readable } from './read-access.js';

/** A comment on the event stream this often keeps proxies from closing it. */
const HEARTBEAT_MS = 15_000;
/** Event streams open at once unless the limits say otherwise. */
export const MAX_EVENT_STREAMS = 64;

/**
 * `/api/events`: server-sent events. An event `state` with `{"version":N}` at once and after
 * every change of the daemon's state; the page fetches its content again when N is new to it.
 * At most MAX_EVENT_STREAMS are open at once: past that, 503 until one closes.
 */
export function eventStream(x: Exchange): void {
  const dashboard = x.handlers.dashboard;
  if (dashboard === undefined) {
    send(x, 404, { error: 'not found' });
    return;
  }
  if (!readable(x)) return;
  if (x.state.streams >= (x.handlers.limits?.eventStreams ?? MAX_EVENT_STREAMS)) {
    busy(x, 503, 'too many event streams open: try again later');
    return;
  }
  const { req, res } = x;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  if (x.head) {
    res.end();
    return;
  }
  x.state.streams++;
  const tell = () => {
    res.write(`event: state\ndata: ${JSON.stringify({ version: dashboard.version() })}\n\n`);
  };
  res.write('retry: 2000\n\n');
  tell();
  const stop = dashboard.subscribe(tell);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    x.state.streams--;
    stop();
    clearInterval(heartbeat);
  };
  req.once('close', end);
  res.once('close', end);
}
