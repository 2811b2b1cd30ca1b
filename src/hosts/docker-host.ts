import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../plan/observed.js';

/** The run state of one container, as the engine reports it. */
export interface ContainerStatus {
  running: boolean;
  /** Present when the image defines a health check. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  /** Set once the container has exited. */
  exitCode?: number;
}

/** What dockstack asks of one Docker host. Implementations own their transport and deadlines. */
export interface DockerHost {
  /** The host's value in the environment file (`services.*.*.host`). */
  readonly name: string;
  /** Every container on the host, running or not, in one list call. */
  listContainers(): Promise<ObservedContainer[]>;
  hasImage(reference: string): Promise<boolean>;
  pullImage(reference: string): Promise<void>;
  /** Creates (does not start) the container for `spec` under the Docker name `spec.name`; returns its id. */
  createContainer(spec: ContainerSpec, labels: Record<string, string>): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  /** Releases connections; the host is not used afterwards. */
  close(): void;
}
