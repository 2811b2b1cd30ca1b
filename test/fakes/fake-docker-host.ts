import type { ContainerSpec } from '../../src/environment/container-spec.js';
import type { ContainerStatus, DockerHost } from '../../src/hosts/docker-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import type { ObservedContainer } from '../../src/plan/observed.js';

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  health?: ContainerStatus['health'][];
}

/**
 * An in-memory Docker host for unit tests of the apply engine's logic (ordering, failure
 * isolation, readiness). It records every call; the real engine is exercised in test/apply.
 */
export class FakeDockerHost implements DockerHost {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>();
  /** Images a pull can fetch. */
  readonly registry = new Set<string>();
  readonly calls: string[] = [];
  /** Health states a new container of the image goes through on successive status calls. */
  readonly healthOf = new Map<string, ContainerStatus['health'][]>();
  down = false;
  private nextId = 1;

  constructor(
    readonly name: string,
    private readonly log: string[] = [],
  ) {}

  private call(what: string): void {
    this.calls.push(what);
    this.log.push(`${this.name} ${what}`);
    if (this.down)
      throw new HostError(this.name, 'unreachable', `Docker host ${this.name} did not answer`);
  }

  listContainers(): Promise<ObservedContainer[]> {
    this.call('list');
    return Promise.resolve(
      [...this.containers.values()].map((c) => ({
        host: this.name,
        name: c.name,
        id: c.id,
        running: c.running,
        labels: { ...c.labels },
        image: c.image,
      })),
    );
  }

  hasImage(reference: string): Promise<boolean> {
    this.call(`image ${reference}`);
    return Promise.resolve(this.images.has(reference));
  }

  pullImage(reference: string): Promise<void> {
    this.call(`pull ${reference}`);
    if (!this.registry.has(reference)) {
      return Promise.reject(
        new HostError(
          this.name,
          'image-unavailable',
          `image ${reference} not found in the registry`,
        ),
      );
    }
    this.images.add(reference);
    return Promise.resolve();
  }

  createContainer(spec: ContainerSpec, labels: Record<string, string>): Promise<string> {
    this.call(`create ${spec.name}`);
    if (!this.images.has(spec.image))
      return Promise.reject(
        new HostError(this.name, 'image-unavailable', `no image ${spec.image}`),
      );
    if ([...this.containers.values()].some((c) => c.name === spec.name)) {
      return Promise.reject(
        new HostError(this.name, 'conflict', `the name ${spec.name} is in use`),
      );
    }
    const id = `${this.name}-${this.nextId++}`;
    const health = this.healthOf.get(spec.image);
    this.containers.set(id, {
      id,
      name: spec.name,
      image: spec.image,
      running: false,
      labels,
      ...(health ? { health: [...health] } : {}),
    });
    return Promise.resolve(id);
  }

  startContainer(id: string): Promise<void> {
    this.call(`start ${this.nameOf(id)}`);
    this.get(id).running = true;
    return Promise.resolve();
  }

  stopContainer(id: string): Promise<void> {
    this.call(`stop ${this.nameOf(id)}`);
    const container = this.containers.get(id);
    if (container !== undefined) container.running = false;
    return Promise.resolve();
  }

  removeContainer(id: string): Promise<void> {
    this.call(`remove ${this.nameOf(id)}`);
    this.containers.delete(id);
    return Promise.resolve();
  }

  containerStatus(id: string): Promise<ContainerStatus> {
    this.call(`status ${this.nameOf(id)}`);
    const container = this.get(id);
    const health =
      container.health === undefined
        ? undefined
        : container.health.length > 1
          ? container.health.shift()
          : container.health[0];
    return Promise.resolve({
      running: container.running,
      ...(health === undefined ? {} : { health }),
    });
  }

  close(): void {
    // nothing to release
  }

  /** Adds a container as if something else had created it. */
  add(container: Omit<FakeContainer, 'id'>): string {
    const id = `${this.name}-${this.nextId++}`;
    this.containers.set(id, { id, ...container });
    return id;
  }

  writes(): string[] {
    return this.calls.filter((c) => !/^(list|image|status)/.test(c));
  }

  private get(id: string): FakeContainer {
    const container = this.containers.get(id);
    if (container === undefined) throw new HostError(this.name, 'not-found', `no container ${id}`);
    return container;
  }

  private nameOf(id: string): string {
    return this.containers.get(id)?.name ?? id;
  }
}
