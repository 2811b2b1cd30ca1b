import { STATUS_CODES } from 'node:http';

import { DeadlineError, PatienceError } from './deadlines.js';
import { HostError, type HostErrorKind } from './host-error.js';

/** What one call was doing, for the message and for the kind of an engine refusal. */
export interface CallContext {
  host: string;
  /** The endpoint as describeEndpoint writes it. */
  endpoint: string;
  /** What was being done, e.g. `create container dns1`. */
  action: string;
  /** The kind of an HTTP 404 from the engine; `not-found` unless given. */
  notFound?: HostErrorKind;
  /** The kind of an HTTP 403 from the engine; as `refused` unless given. */
  forbidden?: HostErrorKind;
  /** The kind of any other refusal by the engine; `engine` unless given (409 is always conflict). */
  refused?: HostErrorKind;
}

/** The longest reason an answer's message gives a HostError. */
const MAX_REASON = 160;

/**
 * A failed call as a HostError: no answer or no connection is `unreachable`; an engine's refusal
 * is summarised as its HTTP status and a short reason (the engine's message, on one line, cut
 * short), never the body of the answer. Messages name the host and carry no request data.
 */
export function toHostError(error: unknown, context: CallContext): HostError {
  if (error instanceof HostError) return error;
  const { host, endpoint, action } = context;
  if (error instanceof DeadlineError) {
    return new HostError(
      host,
      'unreachable',
      `Docker host ${host} (${endpoint}) did not answer within ${seconds(error.ms)} s: ${action}`,
    );
  }
  if (error instanceof PatienceError) {
    return new HostError(
      host,
      'unreachable',
      `Docker host ${host} (${endpoint}) answers pings but did not finish within ` +
        `${seconds(error.ms)} s: ${action}`,
    );
  }
  const status = statusCodeOf(error);
  if (status === undefined) {
    return new HostError(
      host,
      'unreachable',
      `Docker host ${host} (${endpoint}) is unreachable: ${transportReason(error)} (${action})`,
    );
  }
  const kind: HostErrorKind =
    status === 404
      ? (context.notFound ?? 'not-found')
      : status === 409
        ? 'conflict'
        : status === 403 && context.forbidden !== undefined
          ? context.forbidden
          : (context.refused ?? 'engine');
  const reason = shortReason(engineMessage(error));
  const code = `HTTP ${String(status)}`;
  return new HostError(
    host,
    kind,
    `Docker host ${host} could not ${action}: ` +
      (reason === undefined
        ? `${code} ${STATUS_CODES[status] ?? ''}`.trim()
        : `${reason} (${code})`),
  );
}

/**
 * The engine's message as a short reason: one line of printable text, cut at MAX_REASON. Text
 * that is not a message (several lines, markup, a document) gives none: the answer is not shown.
 */
function shortReason(message: string | undefined): string | undefined {
  if (message === undefined || /[\n\r]/.test(message) || /^[<{[]/.test(message)) return undefined;
  // eslint-disable-next-line no-control-regex
  const line = message.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '').trim();
  if (line === '') return undefined;
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/** The HTTP status of a dockerode error, when the engine answered. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/** The engine's own words: its JSON answer, or for a streamed request the body dockerode quotes. */
function engineMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('json' in error) {
    const json = error.json;
    if (typeof json === 'object' && json !== null && 'message' in json) {
      if (typeof json.message === 'string') return json.message.trim();
    }
  }
  if (!(error instanceof Error)) return undefined;
  const quoted = /^\(HTTP code \d+\) .*? - (.+)$/s.exec(error.message)?.[1]?.trim();
  return quoted === '' ? undefined : quoted;
}

/** The first line of a transport error, with its system code (ECONNREFUSED, ...), cut short. */
function transportReason(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  const reason = code === undefined || message.includes(code) ? message : `${code}: ${message}`;
  return shortReason(reason.slice(0, 200)) ?? 'no connection';
}

/** Milliseconds as seconds with one decimal, for messages. */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
