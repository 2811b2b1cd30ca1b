import { setMaxListeners } from 'node:events';

import type Docker from 'dockerode';

import { DeadlineError, withDeadline, withPatience } from './deadlines.js';
import { dialEngine } from './dial-engine.js';
import { engineConnection, type EngineConnection } from './engine-connection.js';
import { describeEndpoint, type Endpoint } from './host-endpoint.js';
import { HostError, type HostErrorKind } from './host-error.js';
import { isWrite, type HostRequest, type HostRequestMethod } from './host-request.js';
import { seconds, statusCodeOf, toHostError } from './to-host-error.js';

/** How one engine's calls are timed, and who hears of them. */
export interface EngineCallerOptions {
  /** How long a call may go unanswered before the engine is pinged. */
  deadlineMs: number;
  /** How long a pull may take. */
  pullDeadlineMs: number;
  /** How long a call may take in all while the engine answers pings. */
  patienceMs: number;
  onRequest?: ((request: HostRequest) => void) | undefined;
}

/**
 * How a call is timed: ordinary calls ping the engine when unanswered past their deadline and
 * wait on while it answers; a pull has one deadline for the whole transfer.
 */
export type Pace = 'ordinary' | 'pull';

/** One call: what it is, for onRequest and messages, and how its failures are classed. */
export interface CallSpec {
  method: HostRequestMethod;
  /** What is being done, e.g. `start container 4f2a...`. */
  action: string;
  /** The kind of an HTTP 404; `not-found` unless given. */
  notFound?: HostErrorKind;
  /** The kind of an HTTP 403; as `refused` unless given. */
  forbidden?: HostErrorKind;
  /** The kind of any other refusal (409 is always conflict); `engine` unless given. */
  refused?: HostErrorKind;
  /** `ordinary` unless given. */
  pace?: Pace;
  /**
   * Seconds the engine rightly takes before it answers, added to an ordinary call's deadline: a
   * stop waits for the container to exit, up to its stop timeout.
   */
  waitsSeconds?: number;
  /** Sent on a connection without idle timeout: the answer streams for as long as it lasts. */
  streaming?: boolean;
}

/** A request to send through a dockerode client, with the signal that gives it up. */
export type EngineRequest<T> = (docker: Docker, signal: AbortSignal) => Promise<T>;

/**
 * Sends the requests of one Docker host: reports each to onRequest, times it, and turns its
 * failures into HostErrors. A call that goes unanswered past its deadline is not failed at once:
 * the engine is pinged, and while it answers (it is busy, not gone) the call keeps waiting, up to
 * the patience cap. Only an engine that does not answer the ping fails the call as unreachable.
 */
export class EngineCaller {
  readonly endpointText: string;
  private readonly clients: Clients | HostError;
  private readonly closing = new AbortController();
  /** When the engine last answered any request (Date.now()); 0 before it ever has. */
  private lastAnswer = 0;

  constructor(
    readonly host: string,
    endpoint: Endpoint,
    private readonly options: EngineCallerOptions,
  ) {
    this.endpointText = describeEndpoint(endpoint);
    // Every call in flight listens for close(); there are as many as the apply engine allows.
    setMaxListeners(0, this.closing.signal);
    this.clients = this.connect(endpoint);
  }

  /** Aborts, with a HostError as its reason, when the host is closed. */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** One request, reported to onRequest; failures become HostErrors. */
  async call<T>(spec: CallSpec, request: EngineRequest<T>): Promise<T> {
    const docker = this.client(spec);
    const pace = spec.pace ?? 'ordinary';
    const task = (signal: AbortSignal): Promise<T> => this.heeded(request(docker, signal));
    try {
      if (pace === 'pull') {
        // A pull's deadline bounds the whole transfer; a live engine does not extend it.
        return await withDeadline(this.options.pullDeadlineMs, task, this.closing.signal);
      }
      const deadlineMs = this.options.deadlineMs + (spec.waitsSeconds ?? 0) * 1000;
      return await withPatience(
        {
          deadlineMs,
          capMs: Math.max(this.options.patienceMs, deadlineMs),
          alive: () => this.alive(),
        },
        task,
        this.closing.signal,
      );
    } catch (error) {
      throw this.hostError(error, spec);
    }
  }

  /** A write whose listed HTTP answers mean the object is already as asked. */
  async idempotent(
    done: readonly number[],
    spec: CallSpec,
    request: EngineRequest<unknown>,
  ): Promise<void> {
    await this.call(spec, async (docker, signal) => {
      try {
        await request(docker, signal);
      } catch (error) {
        const status = statusCodeOf(error);
        if (status === undefined || !done.includes(status)) throw error;
      }
    });
  }

  /**
   * One request that runs as long as the work it waits for (a command's output, a container's
   * exit), on a connection without idle timeout, up to `ms`. A passed deadline is a HostError of
   * kind `timeout` when the engine still answers a ping, `unreachable` when it does not.
   */
  async timed<T>(spec: CallSpec, ms: number, request: EngineRequest<T>): Promise<T> {
    const docker = this.client({ ...spec, streaming: true });
    try {
      return await withDeadline(
        ms,
        (signal) => this.heeded(request(docker, signal)),
        this.closing.signal,
      );
    } catch (error) {
      if (error instanceof DeadlineError && (await this.alive())) {
        throw new HostError(
          this.host,
          'timeout',
          `Docker host ${this.host} (${this.endpointText}) did not finish within ` +
            `${seconds(ms)} s: ${spec.action}`,
        );
      }
      throw this.hostError(error, spec);
    }
  }

  /** The HostError for a failure of the call `spec`. */
  hostError(error: unknown, spec: CallSpec): HostError {
    return toHostError(error, {
      host: this.host,
      endpoint: this.endpointText,
      action: spec.action,
      ...(spec.notFound === undefined ? {} : { notFound: spec.notFound }),
      ...(spec.forbidden === undefined ? {} : { forbidden: spec.forbidden }),
      ...(spec.refused === undefined ? {} : { refused: spec.refused }),
    });
  }

  close(): void {
    this.closing.abort(
      new HostError(this.host, 'unreachable', `the connection to Docker host ${this.host} closed`),
    );
    if (!(this.clients instanceof HostError)) this.clients.connection.close();
  }

  private client(spec: CallSpec): Docker {
    const clients = this.clients;
    if (clients instanceof HostError) throw clients;
    this.options.onRequest?.({ host: this.host, method: spec.method, write: isWrite(spec.method) });
    return spec.streaming === true ? clients.streaming : clients.ordinary;
  }

  /** Passes `answer` on, noting when the engine answered (an HTTP status counts as an answer). */
  private async heeded<T>(answer: Promise<T>): Promise<T> {
    try {
      const value = await answer;
      this.lastAnswer = Date.now();
      return value;
    } catch (error) {
      if (statusCodeOf(error) !== undefined) this.lastAnswer = Date.now();
      throw error;
    }
  }

  /**
   * True when the engine is alive: it answered some request within the last deadline (a busy
   * engine keeps answering the calls ahead of a slow one), or it answers a ping within one.
   */
  private async alive(): Promise<boolean> {
    const clients = this.clients;
    if (clients instanceof HostError) return false;
    if (Date.now() - this.lastAnswer < this.options.deadlineMs) return true;
    try {
      await withDeadline(
        this.options.deadlineMs,
        (abortSignal) =>
          this.heeded(
            dialEngine(clients.ordinary, {
              path: '/_ping',
              method: 'GET',
              abortSignal,
              statusCodes: { 200: true, 500: 'server error' },
            }),
          ),
        this.closing.signal,
      );
      return true;
    } catch {
      return false;
    }
  }

  private connect(endpoint: Endpoint): Clients | HostError {
    try {
      const connection = engineConnection(endpoint);
      const longest = Math.max(this.options.patienceMs, this.options.pullDeadlineMs);
      return {
        connection,
        ordinary: connection.client(longest + this.options.deadlineMs),
        streaming: connection.client(0),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return new HostError(
        this.host,
        'unreachable',
        `cannot connect to Docker host ${this.host} (${this.endpointText}): ${reason}`,
      );
    }
  }
}

interface Clients {
  connection: EngineConnection;
  /** Requests that answer once; an idle socket is dropped after the longest patience. */
  ordinary: Docker;
  /** Requests whose answer streams (output, waits, events): no idle timeout. */
  streaming: Docker;
}
