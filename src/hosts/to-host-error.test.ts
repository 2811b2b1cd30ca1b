import { describe, expect, it } from 'vitest';

import { DeadlineError, PatienceError } from './deadlines.js';
import { HostError } from './host-error.js';
import { statusCodeOf, toHostError } from './to-host-error.js';

const context = { host: 'h2', endpoint: 'tcp://10.200.0.2:2375', action: 'create container dns1' };

function engineError(statusCode: number, message: string, json?: unknown): Error {
  return Object.assign(new Error(message), { statusCode, json });
}

describe('toHostError', () => {
  it('makes a passed deadline unreachable, naming host, endpoint and action', () => {
    const error = toHostError(new DeadlineError(2500), context);
    expect(error).toMatchObject({ host: 'h2', kind: 'unreachable', retryable: true });
    expect(error.message).toBe(
      'Docker host h2 (tcp://10.200.0.2:2375) did not answer within 2.5 s: create container dns1',
    );
  });

  it('makes a call that outlasted the patience of a host that answers pings unreachable', () => {
    const error = toHostError(new PatienceError(300_000), context);
    expect(error).toMatchObject({ host: 'h2', kind: 'unreachable', retryable: true });
    expect(error.message).toBe(
      'Docker host h2 (tcp://10.200.0.2:2375) answers pings but did not finish within 300 s: ' +
        'create container dns1',
    );
  });

  it('makes a transport failure unreachable, with the system code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.200.0.2:2375'), {
      code: 'ECONNREFUSED',
    });
    expect(toHostError(refused, context).message).toBe(
      'Docker host h2 (tcp://10.200.0.2:2375) is unreachable: connect ECONNREFUSED ' +
        '10.200.0.2:2375 (create container dns1)',
    );
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toHostError(reset, context)).toMatchObject({ kind: 'unreachable' });
    expect(toHostError(reset, context).message).toContain('ECONNRESET: socket hang up');
  });

  it('keeps the engine message of a refusal and picks the kind by status', () => {
    const missing = engineError(404, '(HTTP code 404) no such container - x', {
      message: 'No such image: webui:3',
    });
    expect(toHostError(missing, context)).toMatchObject({ kind: 'not-found' });
    expect(toHostError(missing, { ...context, notFound: 'image-unavailable' })).toMatchObject({
      kind: 'image-unavailable',
      message: 'Docker host h2 could not create container dns1: No such image: webui:3 (HTTP 404)',
    });
    expect(toHostError(engineError(409, 'x', { message: 'in use' }), context)).toMatchObject({
      kind: 'conflict',
    });
    expect(toHostError(engineError(500, 'x', { message: 'boom' }), context)).toMatchObject({
      kind: 'engine',
    });
    const inUse = engineError(403, 'x', { message: 'network n has active endpoints' });
    expect(toHostError(inUse, context)).toMatchObject({ kind: 'engine' });
    expect(toHostError(inUse, { ...context, forbidden: 'conflict' })).toMatchObject({
      kind: 'conflict',
      message:
        'Docker host h2 could not create container dns1: network n has active endpoints (HTTP 403)',
    });
    expect(
      toHostError(engineError(500, 'x', { message: 'boom' }), {
        ...context,
        refused: 'image-unavailable',
      }),
    ).toMatchObject({ kind: 'image-unavailable' });
  });

  it('takes the message of a streamed request from the text dockerode quotes', () => {
    const streamed = engineError(
      500,
      '(HTTP code 500) server error - Get "http://127.0.0.1:1/v2/": connection refused ',
    );
    expect(toHostError(streamed, context).message).toBe(
      'Docker host h2 could not create container dns1: Get "http://127.0.0.1:1/v2/": ' +
        'connection refused (HTTP 500)',
    );
    expect(toHostError(engineError(502, 'bad gateway'), context).message).toMatch(
      /: HTTP 502 Bad Gateway$/,
    );
  });

  it('summarises an answer that is not an engine message: its status, never its body', () => {
    const page = engineError(
      500,
      '(HTTP code 500) server error - <html><body>MARKER of the body</body></html>\nmore ',
    );
    expect(toHostError(page, context).message).toBe(
      'Docker host h2 could not create container dns1: HTTP 500 Internal Server Error',
    );
    const lines = engineError(404, '(HTTP code 404) unexpected - MARKER\nsecond line ');
    expect(toHostError(lines, context).message).toBe(
      'Docker host h2 could not create container dns1: HTTP 404 Not Found',
    );
    const long = engineError(400, 'x', { message: `\u001b[31m${'y'.repeat(500)}` });
    const message = toHostError(long, context).message;
    expect(message).toBe(
      `Docker host h2 could not create container dns1: [31m${'y'.repeat(155)}… (HTTP 400)`,
    );
    expect(message).not.toContain('\u001b');
    const document = engineError(500, 'x', { message: '{"nested":"MARKER"}' });
    expect(toHostError(document, context).message).not.toContain('MARKER');
  });

  it('passes a HostError through', () => {
    const original = new HostError('h2', 'conflict', 'taken');
    expect(toHostError(original, context)).toBe(original);
  });
});

describe('statusCodeOf', () => {
  it('reads the HTTP status of an engine answer only', () => {
    expect(statusCodeOf(engineError(304, 'x'))).toBe(304);
    expect(statusCodeOf(new Error('x'))).toBeUndefined();
    expect(statusCodeOf('x')).toBeUndefined();
    expect(statusCodeOf({ statusCode: '404' })).toBeUndefined();
  });
});
