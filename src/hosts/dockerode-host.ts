import { setMaxListeners } from 'node:events';
import type Docker from 'dockerode';

import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../plan/observed.js';
import { createOptions } from './create-options.js';
import type { ContainerStatus, DockerHost } from './docker-host.js';
import { engineConnection, type EngineConnection } from './engine-connection.js';
import { followPull, PullStreamError } from './follow-pull.js';
import { describeEndpoint, type Endpoint } from './host-endpoint.js';
import { HostError } from './host-error.js';
import { statusCodeOf, toHostError, type CallContext } from './to-host-error.js';
import { withDeadline } from './with-deadline.js';

/** One HTTP request to a Docker host, as reported to `onRequest`. */
export interface HostRequest {
  host: string;
  method: 'list' | 'inspect' | 'create' | 'start' | 'stop' | 'remove' | 'pull' | 'image';
  /** True when the request may change the host. */
  write: boolean;
}

export interface DockerodeHostOptions {
  /** How long an ordinary call may take; 10 s unless given. */
  deadlineMs?: number;
  /** How long a pull may take; 5 min unless given. */
  pullDeadlineMs?: number;
  /** Seconds a stopping container gets before the engine kills it; 10 unless given. */
  stopTimeoutSeconds?: number;
  /** The network new containers join: `bridge` unless given; `none` for a network driver. */
  networkMode?: string;
  /** Called once per HTTP request, before it is sent. */
  onRequest?: (request: HostRequest) => void;
}

const WRITES: ReadonlySet<HostRequest['method']> = new Set([
  'create',
  'start',
  'stop',
  'remove',
  'pull',
]);

/**
 * A DockerHost talking to the Docker Engine API at `endpoint` through dockerode. Every call has a
 * deadline; a host that does not answer, or refuses the connection, fails its calls with a
 * HostError of kind `unreachable`, without affecting any other host.
 */
export function createDockerodeHost(
  name: string,
  endpoint: Endpoint,
  options: DockerodeHostOptions = {},
): DockerHost {
  return new DockerodeHost(name, endpoint, options);
}

class DockerodeHost implements DockerHost {
  private readonly endpointText: string;
  private readonly deadlineMs: number;
  private readonly pullDeadlineMs: number;
  private readonly stopTimeoutSeconds: number;
  private readonly networkMode: string;
  private readonly clients: Clients | HostError;
  private readonly closing = new AbortController();

  constructor(
    readonly name: string,
    endpoint: Endpoint,
    private readonly options: DockerodeHostOptions,
  ) {
    this.endpointText = describeEndpoint(endpoint);
    // Every call in flight listens for close(); there are as many as the apply engine allows.
    setMaxListeners(0, this.closing.signal);
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.pullDeadlineMs = options.pullDeadlineMs ?? 300_000;
    this.stopTimeoutSeconds = options.stopTimeoutSeconds ?? 10;
    this.networkMode = options.networkMode ?? 'bridge';
    this.clients = this.connect(endpoint);
  }

  async listContainers(): Promise<ObservedContainer[]> {
    const found = await this.call('list', 'list containers', {}, (docker, abortSignal) =>
      docker.listContainers({ all: true, abortSignal }),
    );
    return found.map((c) => {
      const addresses = Object.values(c.NetworkSettings.Networks)
        .map((network) => network.IPAddress)
        .filter((address) => address !== '');
      return {
        host: this.name,
        name: nameOf(c.Names),
        id: c.Id,
        running: c.State === 'running',
        labels: { ...c.Labels },
        ...(addresses.length === 0 ? {} : { addresses }),
      };
    });
  }

  async hasImage(reference: string): Promise<boolean> {
    try {
      await this.call('image', `inspect image ${reference}`, {}, (docker) =>
        docker.getImage(reference).inspect(),
      );
      return true;
    } catch (error) {
      if (error instanceof HostError && error.kind === 'not-found') return false;
      throw error;
    }
  }

  async pullImage(reference: string): Promise<void> {
    const unavailable = { notFound: 'image-unavailable', refused: 'image-unavailable' } as const;
    const action = `pull image ${reference}`;
    await this.call(
      'pull',
      action,
      unavailable,
      async (docker, abortSignal) => {
        const stream = await docker.pull(reference, { abortSignal });
        try {
          await followPull(stream as AsyncIterable<unknown>);
        } catch (error) {
          if (!(error instanceof PullStreamError)) throw error;
          throw new HostError(
            this.name,
            'image-unavailable',
            `Docker host ${this.name} could not ${action}: ${error.message}`,
          );
        }
      },
      'patient',
    );
  }

  async createContainer(spec: ContainerSpec, labels: Record<string, string>): Promise<string> {
    const action = `create container ${spec.name}`;
    try {
      const created = await this.call(
        'create',
        action,
        { notFound: 'image-unavailable' },
        (docker, abortSignal) =>
          docker.createContainer({
            ...createOptions(spec, labels, this.networkMode),
            abortSignal,
          }),
      );
      return created.id;
    } catch (error) {
      if (error instanceof HostError && error.kind === 'conflict') {
        throw new HostError(
          this.name,
          'conflict',
          `Docker host ${this.name} could not ${action}: the name ${spec.name} is in use by ` +
            `another container`,
        );
      }
      throw error;
    }
  }

  async startContainer(id: string): Promise<void> {
    await this.idempotent(304, 'start', `start container ${id}`, (docker, abortSignal) =>
      docker.getContainer(id).start({ abortSignal }),
    );
  }

  /** Stopping a stopped or absent container succeeds: either way it does not run. */
  async stopContainer(id: string): Promise<void> {
    const t = this.stopTimeoutSeconds;
    await this.idempotent(
      [304, 404],
      'stop',
      `stop container ${id}`,
      (docker, abortSignal) => docker.getContainer(id).stop({ t, abortSignal }),
      'patient',
    );
  }

  /**
   * Removing an absent container succeeds. Removal is not forced: the engine refuses (conflict)
   * to remove a container that runs, so one started since it was stopped is never killed here.
   */
  async removeContainer(id: string): Promise<void> {
    await this.idempotent(404, 'remove', `remove container ${id}`, (docker, abortSignal) =>
      docker.getContainer(id).remove({ force: false, v: false, abortSignal }),
    );
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const info = await this.call('inspect', `inspect container ${id}`, {}, (docker, abortSignal) =>
      docker.getContainer(id).inspect({ abortSignal }),
    );
    const state = info.State;
    const status: ContainerStatus = { running: state.Status === 'running' };
    const health = state.Health?.Status;
    if (health === 'starting' || health === 'healthy' || health === 'unhealthy') {
      status.health = health;
    }
    if (['exited', 'dead', 'restarting'].includes(state.Status)) status.exitCode = state.ExitCode;
    return status;
  }

  close(): void {
    this.closing.abort(
      new HostError(this.name, 'unreachable', `the connection to Docker host ${this.name} closed`),
    );
    if (!(this.clients instanceof HostError)) this.clients.connection.close();
  }

  private connect(endpoint: Endpoint): Clients | HostError {
    try {
      const connection = engineConnection(endpoint);
      return {
        connection,
        ordinary: connection.client(this.deadlineMs),
        patient: connection.client(Math.max(this.pullDeadlineMs, this.stopDeadlineMs())),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return new HostError(
        this.name,
        'unreachable',
        `cannot connect to Docker host ${this.name} (${this.endpointText}): ${reason}`,
      );
    }
  }

  /** A stop waits for the container to exit, up to the stop timeout, before it answers. */
  private stopDeadlineMs(): number {
    return this.deadlineMs + this.stopTimeoutSeconds * 1000;
  }

  private deadlineOf(pace: Pace, method: HostRequest['method']): number {
    if (pace === 'ordinary') return this.deadlineMs;
    return method === 'pull' ? this.pullDeadlineMs : this.stopDeadlineMs();
  }

  /** One request, with its deadline, reported to onRequest; failures become HostErrors. */
  private async call<T>(
    method: HostRequest['method'],
    action: string,
    kinds: Pick<CallContext, 'notFound' | 'refused'>,
    request: (docker: Docker, signal: AbortSignal) => Promise<T>,
    pace: Pace = 'ordinary',
  ): Promise<T> {
    const clients = this.clients;
    if (clients instanceof HostError) throw clients;
    this.options.onRequest?.({ host: this.name, method, write: WRITES.has(method) });
    try {
      return await withDeadline(
        this.deadlineOf(pace, method),
        (signal) => request(clients[pace], signal),
        this.closing.signal,
      );
    } catch (error) {
      throw toHostError(error, { host: this.name, endpoint: this.endpointText, action, ...kinds });
    }
  }

  /** A write whose listed HTTP answers mean the container is already as asked. */
  private async idempotent(
    done: number | number[],
    method: HostRequest['method'],
    action: string,
    request: (docker: Docker, signal: AbortSignal) => Promise<unknown>,
    pace: Pace = 'ordinary',
  ): Promise<void> {
    const codes = Array.isArray(done) ? done : [done];
    await this.call(
      method,
      action,
      {},
      async (docker, signal) => {
        try {
          await request(docker, signal);
        } catch (error) {
          const status = statusCodeOf(error);
          if (status === undefined || !codes.includes(status)) throw error;
        }
      },
      pace,
    );
  }
}

/** Stops and pulls may rightly stay silent longer than other calls. */
type Pace = 'ordinary' | 'patient';

interface Clients {
  connection: EngineConnection;
  ordinary: Docker;
  patient: Docker;
}

/** The container's own name: the one without a link alias's extra path, without its '/'. */
function nameOf(names: readonly string[]): string {
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}
