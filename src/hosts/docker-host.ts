import type { ContainerSpec } from '../environment/container-spec.js';
import type { ContainerEvent, EventsOptions } from './container-event.js';
import type { ExecOptions, ExecResult } from './exec-result.js';
import type { HelperSpec } from './helper-spec.js';
import type { NetworkAttachment, NetworkSpec, ObservedNetwork } from './network-spec.js';
import type { ObservedContainer } from './observed-container.js';
import type { ObservedVolume } from './observed-volume.js';
import type { UploadFile } from './tar-archive.js';

/** What dockstack reads of an image on a host. */
export interface ImageFacts {
  /**
   * The folders whose content must outlive a container (its `org.dockstack.data` label and its
   * `VOLUME`s): each gets a named volume of the container's.
   */
  dataFolders: string[];
  /** Its labels: the contracts it follows (images/README.md). */
  labels: Record<string, string>;
  /** Seconds a stopping container of it gets before it is killed, when it names them. */
  stopTimeoutSeconds?: number;
}

/** The run state of one container, as the engine reports it. */
export interface ContainerStatus {
  running: boolean;
  /** Present when the image defines a health check. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  /** Set once the container has exited. */
  exitCode?: number;
  /** The container's main process, as the host sees it; set while it runs. */
  pid?: number;
  /** How many times the engine restarted it (its restart policy) since it was created. */
  restartCount?: number;
}

/** What dockstack asks of one Docker host. Implementations own their transport and deadlines. */
export interface DockerHost {
  /** The host's value in the environment file (`services.*.*.host`). */
  readonly name: string;
  /** Every container on the host, running or not, with its networks, in one list call. */
  listContainers(): Promise<ObservedContainer[]>;
  /** What dockstack reads of the image; undefined when the host does not have it. */
  inspectImage(reference: string): Promise<ImageFacts | undefined>;
  pullImage(reference: string): Promise<void>;
  /**
   * Creates (does not start) the container for `spec` under the Docker name `spec.name`, with
   * `stopTimeoutSeconds` when its image names them; returns its id.
   */
  createContainer(
    spec: ContainerSpec,
    labels: Record<string, string>,
    stopTimeoutSeconds?: number,
  ): Promise<string>;
  startContainer(id: string): Promise<void>;
  /**
   * Stops the container, giving it the seconds it was created with (its image's stop timeout),
   * or the host's default, before the engine kills it.
   */
  stopContainer(id: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Gives container `id` the Docker name `name`; a name in use is a conflict. */
  renameContainer(id: string, name: string): Promise<void>;
  /** The last `lines` lines of the container's output (stdout and stderr together). */
  containerLogs(id: string, lines: number): Promise<string>;
  containerStatus(id: string): Promise<ContainerStatus>;

  /**
   * Runs `command` (no shell) in the running container `id` and waits for it. A command that
   * outlasts its deadline fails with a HostError of kind `timeout`; it may go on running.
   */
  exec(id: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Writes `files` under the absolute folder `dir` of container `id`, in one archive. */
  upload(id: string, dir: string, files: readonly UploadFile[]): Promise<void>;
  /** Sends `signal` (e.g. `HUP`, `SIGTERM`) to the main process of the running container `id`. */
  signal(id: string, signal: string): Promise<void>;
  /** Runs a helper container to its exit and removes it, also after a failure or a deadline. */
  runHelper(spec: HelperSpec): Promise<ExecResult>;
  /**
   * Creates and starts a long-lived helper container named `spec.name` (restarted by the engine
   * unless stopped); returns its id. Its deadline is not used.
   */
  startHelper(spec: HelperSpec & { name: string }): Promise<string>;
  /**
   * The engine's container events from now on, until `options.signal` aborts. Fails with a
   * HostError of kind `unreachable` when the connection drops.
   */
  events(options: EventsOptions): AsyncIterable<ContainerEvent>;

  listNetworks(): Promise<ObservedNetwork[]>;
  /** Creates a bridge network; returns its id. A name in use is a conflict. */
  createNetwork(spec: NetworkSpec): Promise<string>;
  /** Removes a network by id or name; an absent one counts as removed. */
  removeNetwork(idOrName: string): Promise<void>;
  /** Joins container `containerId` to `network` (id or name), at a fixed address when given. */
  connectNetwork(
    network: string,
    containerId: string,
    attachment?: NetworkAttachment,
  ): Promise<void>;
  /** Takes container `containerId` off `network`; one not on it counts as done. */
  disconnectNetwork(network: string, containerId: string): Promise<void>;

  /** The volumes labelled as dockstack's. */
  listVolumes(): Promise<ObservedVolume[]>;
  /**
   * Makes the volume `name` with `labels` unless it exists; true when made now. A volume of that
   * name that is not dockstack's for the same container is a conflict, never used.
   */
  ensureVolume(name: string, labels: Record<string, string>): Promise<boolean>;
  /** Removes a volume; an absent one counts as removed, one in use is a conflict. */
  removeVolume(name: string): Promise<void>;
  /**
   * True when `path` exists in container `id` (created or running), its volumes included; a
   * container that is not there fails with a HostError of kind `not-found`.
   */
  pathExists(id: string, path: string): Promise<boolean>;

  /** Releases connections; the host is not used afterwards. */
  close(): void;
}
