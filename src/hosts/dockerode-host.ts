import type Docker from 'dockerode';

import type { ContainerSpec } from '../environment/container-spec.js';
import type { ContainerEvent, EventsOptions } from './container-event.js';
import { createOptions } from './create-options.js';
import { containerLogs, renameContainer, stopContainer } from './container-calls.js';
import { dialEngine } from './dial-engine.js';
import type { ContainerStatus, DockerHost, ImageFacts } from './docker-host.js';
import { EngineCaller } from './engine-caller.js';
import { execInContainer } from './exec-in-container.js';
import type { ExecOptions, ExecResult } from './exec-result.js';
import { followEvents } from './follow-events.js';
import { followPull, PullStreamError } from './follow-pull.js';
import { imageDataFolders, type ImageAnswer } from './image-data-folders.js';
import type { HelperSpec } from './helper-spec.js';
import type { Endpoint } from './host-endpoint.js';
import { HostError } from './host-error.js';
import type { HostRequest } from './host-request.js';
import { NetworkCalls } from './network-calls.js';
import type { NetworkAttachment, NetworkSpec, ObservedNetwork } from './network-spec.js';
import { observedContainer } from './listed-container.js';
import type { ObservedContainer } from './observed-container.js';
import type { ObservedVolume } from './observed-volume.js';
import { runHelperContainer, startHelperContainer, type PrivilegeMemory } from './run-helper.js';
import { containerFolder, tarArchive, type UploadFile } from './tar-archive.js';
import { imageStopTimeout } from './stop-timeout.js';
import { statusCodeOf } from './to-host-error.js';
import { VolumeCalls } from './volume-calls.js';

export type { HostRequest, HostRequestMethod } from './host-request.js';

export interface DockerodeHostOptions {
  /** How long a call may go unanswered before the engine is pinged; 10 s unless given. */
  deadlineMs?: number;
  /**
   * How long a call may take in all on an engine that answers pings (busy, not gone); 5 min
   * unless given.
   */
  patienceMs?: number;
  /** How long a pull may take; 5 min unless given. */
  pullDeadlineMs?: number;
  /**
   * Seconds a stopping container gets before the engine kills it, when neither it nor its image
   * names its own (see stop-timeout.ts); 10 unless given.
   */
  stopTimeoutSeconds?: number;
  /** The network new containers join: `bridge` unless given; `none` for a network driver. */
  networkMode?: string;
  /** Called once per HTTP request, before it is sent. */
  onRequest?: (request: HostRequest) => void;
}

/**
 * A DockerHost talking to the Docker Engine API at `endpoint` through dockerode. A call the
 * engine leaves unanswered past its deadline fails with a HostError of kind `unreachable` only
 * when the engine does not answer a ping either; a busy engine gets up to `patienceMs`. A host
 * that does not answer, or refuses the connection, fails only its own calls.
 */
export function createDockerodeHost(
  name: string,
  endpoint: Endpoint,
  options: DockerodeHostOptions = {},
): DockerHost {
  return new DockerodeHost(name, endpoint, options);
}

class DockerodeHost implements DockerHost {
  private readonly caller: EngineCaller;
  private readonly networks: NetworkCalls;
  private readonly volumes: VolumeCalls;
  private readonly stopTimeoutSeconds: number;
  private readonly networkMode: string;
  private readonly helperPrivileges: PrivilegeMemory = {};

  constructor(
    readonly name: string,
    endpoint: Endpoint,
    options: DockerodeHostOptions,
  ) {
    this.stopTimeoutSeconds = options.stopTimeoutSeconds ?? 10;
    this.networkMode = options.networkMode ?? 'bridge';
    this.caller = new EngineCaller(name, endpoint, {
      deadlineMs: options.deadlineMs ?? 10_000,
      patienceMs: options.patienceMs ?? 300_000,
      pullDeadlineMs: options.pullDeadlineMs ?? 300_000,
      onRequest: options.onRequest,
    });
    this.networks = new NetworkCalls(this.caller);
    this.volumes = new VolumeCalls(name, this.caller);
  }

  async listContainers(): Promise<ObservedContainer[]> {
    const found = await this.caller.call(
      { method: 'list', action: 'list containers' },
      (docker, abortSignal) => docker.listContainers({ all: true, abortSignal }),
    );
    // An endpoint that is not an engine can answer anything: only a list of objects is read.
    const listed: unknown = found;
    if (!Array.isArray(listed) || !listed.every((c) => typeof c === 'object' && c !== null)) {
      throw new HostError(
        this.name,
        'engine',
        `Docker host ${this.name} answered the container list with something other than the Engine API's list`,
      );
    }
    return found.map((c) => observedContainer(this.name, c));
  }

  async inspectImage(reference: string): Promise<ImageFacts | undefined> {
    try {
      const answer = (await this.caller.call(
        { method: 'image', action: `inspect image ${reference}` },
        (docker, abortSignal) =>
          dialEngine(docker, {
            path: `/images/${reference}/json`,
            method: 'GET',
            abortSignal,
            statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
          }),
      )) as ImageAnswer | null;
      const labels = { ...(answer?.Config?.Labels ?? {}) };
      const stopTimeoutSeconds = imageStopTimeout(this.name, reference, labels);
      return {
        dataFolders: imageDataFolders(this.name, reference, answer ?? {}),
        labels,
        ...(stopTimeoutSeconds === undefined ? {} : { stopTimeoutSeconds }),
      };
    } catch (error) {
      if (error instanceof HostError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  async pullImage(reference: string): Promise<void> {
    const action = `pull image ${reference}`;
    await this.caller.call(
      {
        method: 'pull',
        action,
        notFound: 'image-unavailable',
        refused: 'image-unavailable',
        pace: 'pull',
      },
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
    );
  }

  async createContainer(
    spec: ContainerSpec,
    labels: Record<string, string>,
    stopTimeoutSeconds?: number,
  ): Promise<string> {
    const action = `create container ${spec.name}`;
    try {
      const created = await this.caller.call(
        { method: 'create', action, notFound: 'image-unavailable' },
        (docker, abortSignal) =>
          docker.createContainer({
            ...createOptions(spec, labels, this.networkMode, stopTimeoutSeconds),
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
    await this.caller.idempotent(
      [304],
      { method: 'start', action: `start container ${id}` },
      (docker, abortSignal) => docker.getContainer(id).start({ abortSignal }),
    );
  }

  /**
   * Stopping a stopped or absent container succeeds: either way it does not run. The container
   * gets the seconds it was created with, or those its image's label names (a container created
   * before dockstack read the label), or the host's default.
   */
  stopContainer(id: string): Promise<void> {
    return stopContainer(this.caller, id, this.stopTimeoutSeconds);
  }

  /**
   * Removing an absent container succeeds. Removal is not forced: the engine refuses (conflict)
   * to remove a container that runs, so one started since it was stopped is never killed here.
   */
  async removeContainer(id: string): Promise<void> {
    await this.caller.idempotent(
      [404],
      { method: 'remove', action: `remove container ${id}` },
      (docker, abortSignal) =>
        docker.getContainer(id).remove({ force: false, v: false, abortSignal }),
    );
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const info = await this.caller.call(
      { method: 'inspect', action: `inspect container ${id}` },
      (docker, abortSignal) => docker.getContainer(id).inspect({ abortSignal }),
    );
    const state = info.State;
    const status: ContainerStatus = { running: state.Status === 'running' };
    const health = state.Health?.Status;
    if (health === 'starting' || health === 'healthy' || health === 'unhealthy') {
      status.health = health;
    }
    if (['exited', 'dead', 'restarting'].includes(state.Status)) status.exitCode = state.ExitCode;
    if (status.running && state.Pid > 0) status.pid = state.Pid;
    // Only when the engine restarted it: a status without it was never restarted.
    if (typeof info.RestartCount === 'number' && info.RestartCount > 0) {
      status.restartCount = info.RestartCount;
    }
    return status;
  }

  renameContainer(id: string, name: string): Promise<void> {
    return renameContainer(this.caller, id, name);
  }

  containerLogs(id: string, lines: number): Promise<string> {
    return containerLogs(this.caller, id, lines);
  }

  exec(id: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.caller, id, command, options);
  }

  /**
   * One archive through the engine's archive API. When `dir` does not exist yet, the archive is
   * sent again from `/` with `dir` in its paths, so that the engine creates it.
   */
  async upload(id: string, dir: string, files: readonly UploadFile[]): Promise<void> {
    const folder = containerFolder(dir);
    const archive = tarArchive(files);
    const spec = {
      method: 'upload',
      action: `upload files to ${folder} in container ${id}`,
    } as const;
    const put = (docker: Docker, path: string, file: Buffer, abortSignal: AbortSignal) =>
      docker.getContainer(id).putArchive(file, { path, abortSignal }) as Promise<unknown>;
    const placed = await this.caller.call(spec, async (docker, abortSignal) => {
      try {
        await put(docker, folder, archive, abortSignal);
        return true;
      } catch (error) {
        if (folderMissing(error)) return false;
        throw error;
      }
    });
    if (placed) return;
    const rooted = tarArchive(files, folder.slice(1));
    await this.caller.call(spec, (docker, abortSignal) => put(docker, '/', rooted, abortSignal));
  }

  async signal(id: string, signal: string): Promise<void> {
    await this.caller.call(
      { method: 'signal', action: `send ${signal} to container ${id}` },
      (docker, abortSignal) => docker.getContainer(id).kill({ signal, abortSignal }),
    );
  }

  runHelper(spec: HelperSpec): Promise<ExecResult> {
    return runHelperContainer(this.caller, spec, this.helperPrivileges);
  }

  startHelper(spec: HelperSpec & { name: string }): Promise<string> {
    return startHelperContainer(this.caller, spec, this.helperPrivileges);
  }

  events(options: EventsOptions): AsyncIterable<ContainerEvent> {
    return followEvents(this.caller, options);
  }

  listNetworks(): Promise<ObservedNetwork[]> {
    return this.networks.list();
  }

  createNetwork(spec: NetworkSpec): Promise<string> {
    return this.networks.create(spec);
  }

  removeNetwork(idOrName: string): Promise<void> {
    return this.networks.remove(idOrName);
  }

  connectNetwork(
    network: string,
    containerId: string,
    attachment?: NetworkAttachment,
  ): Promise<void> {
    return this.networks.connect(network, containerId, attachment);
  }

  disconnectNetwork(network: string, containerId: string): Promise<void> {
    return this.networks.disconnect(network, containerId);
  }

  listVolumes(): Promise<ObservedVolume[]> {
    return this.volumes.list();
  }

  ensureVolume(name: string, labels: Record<string, string>): Promise<boolean> {
    return this.volumes.ensure(name, labels);
  }

  removeVolume(name: string): Promise<void> {
    return this.volumes.remove(name);
  }

  async pathExists(id: string, path: string): Promise<boolean> {
    try {
      await this.caller.call(
        { method: 'archive', action: `look for ${path} in container ${id}` },
        (docker, abortSignal) =>
          dialEngine(docker, {
            path: `/containers/${encodeURIComponent(id)}/archive?`,
            method: 'HEAD',
            options: { path },
            abortSignal,
            statusCodes: { 200: true, 404: 'no such path', 500: 'server error' },
          }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof HostError && error.kind === 'not-found')) throw error;
    }
    // The engine answers 404 for a missing container as for a missing path: a container that is
    // gone is no answer about its files.
    await this.containerStatus(id);
    return false;
  }

  close(): void {
    this.caller.close();
  }
}

/** An HTTP 404 about the folder, not about the container (the engine's own words tell). */
function folderMissing(error: unknown): boolean {
  if (statusCodeOf(error) !== 404) return false;
  const json = typeof error === 'object' && error !== null && 'json' in error ? error.json : null;
  const message =
    typeof json === 'object' && json !== null && 'message' in json ? String(json.message) : '';
  return !/^no such container/i.test(message);
}
