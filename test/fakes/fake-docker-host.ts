import type { ContainerSpec } from '../../src/environment/container-spec.js';
import type { ContainerEvent, EventsOptions } from '../../src/hosts/container-event.js';
import type { ContainerStatus, DockerHost, ImageFacts } from '../../src/hosts/docker-host.js';
import type { ExecOptions, ExecResult } from '../../src/hosts/exec-result.js';
import type { HelperSpec } from '../../src/hosts/helper-spec.js';
import { HostError } from '../../src/hosts/host-error.js';
import type {
  NetworkAttachment,
  NetworkSpec,
  ObservedNetwork,
} from '../../src/hosts/network-spec.js';
import type { ObservedContainer } from '../../src/hosts/observed-container.js';
import type { ObservedVolume } from '../../src/hosts/observed-volume.js';
import { containerFolder, tarArchive, type UploadFile } from '../../src/hosts/tar-archive.js';

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  health?: ContainerStatus['health'][];
  /** Its main process while it runs. */
  pid?: number;
  /** Network name -> where it sits there. */
  networks?: Map<string, NetworkAttachment>;
  /** Absolute path -> content, as uploaded. */
  files?: Map<string, UploadFile['content']>;
  /** Signals sent to it, in order. */
  signals?: string[];
  /** What it mounts, as created. */
  mounts?: ContainerSpec['volumes'];
  /** What it printed, line by line. */
  logs?: string[];
  /** Exit code once it stopped. */
  exitCode?: number;
}

/** Answers a command run in a container; by default every command succeeds without output. */
export type ExecHandler = (
  container: FakeContainer,
  command: readonly string[],
  options: ExecOptions,
) => ExecResult;

/** Answers a helper run; by default every helper succeeds without output. */
export type HelperHandler = (spec: HelperSpec) => ExecResult;

const SUCCESS: ExecResult = { exitCode: 0, stdout: '', stderr: '' };

interface Subscriber {
  labels: Record<string, string>;
  push: (event: ContainerEvent) => void;
  drop: () => void;
}

/**
 * An in-memory Docker host for unit tests of the apply engine's logic (ordering, failure
 * isolation, readiness, network and configuration steps). It records every call; the real engine
 * is exercised in test/hosts and test/apply.
 */
export class FakeDockerHost implements DockerHost {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>();
  /** Images a pull can fetch. */
  readonly registry = new Set<string>();
  readonly calls: string[] = [];
  /** Health states a new container of the image goes through on successive status calls. */
  readonly healthOf = new Map<string, ContainerStatus['health'][]>();
  /** Networks by id. */
  readonly networks = new Map<string, ObservedNetwork>();
  /** Images whose containers exit right after they start. */
  readonly crashing = new Set<string>();
  /** The data folders an image declares, by image (none unless set). */
  readonly dataFolders = new Map<string, string[]>();
  /** The labels of an image, by image (none unless set). */
  readonly imageLabels = new Map<string, Record<string, string>>();
  /** Volumes by name. */
  readonly volumes = new Map<string, ObservedVolume>();
  /** Every helper run, in order. */
  readonly helpers: HelperSpec[] = [];
  execHandler: ExecHandler = () => SUCCESS;
  helperHandler: HelperHandler = () => SUCCESS;
  down = false;
  /** How many times `close` was called. */
  timesClosed = 0;
  private readonly subscribers = new Set<Subscriber>();
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
      [...this.containers.values()].map((c) => {
        const networks = [...(c.networks ?? new Map<string, NetworkAttachment>())].map(
          ([name, at]) => ({ name, ...at }),
        );
        return {
          host: this.name,
          name: c.name,
          id: c.id,
          running: c.running,
          labels: { ...c.labels },
          image: c.image,
          ...(networks.length === 0 ? {} : { networks }),
        };
      }),
    );
  }

  inspectImage(reference: string): Promise<ImageFacts | undefined> {
    this.call(`image ${reference}`);
    if (!this.images.has(reference)) return Promise.resolve(undefined);
    return Promise.resolve({
      dataFolders: [...(this.dataFolders.get(reference) ?? [])],
      labels: { ...(this.imageLabels.get(reference) ?? {}) },
    });
  }

  listVolumes(): Promise<ObservedVolume[]> {
    this.call('volumes');
    return Promise.resolve(
      [...this.volumes.values()].map((v) => ({ ...v, labels: { ...v.labels } })),
    );
  }

  ensureVolume(name: string, labels: Record<string, string>): Promise<boolean> {
    this.call(`volume ${name}`);
    const found = this.volumes.get(name);
    if (found === undefined) {
      this.volumes.set(name, { host: this.name, name, labels: { ...labels } });
      return Promise.resolve(true);
    }
    const ours = ['org.dockstack.managed', 'org.dockstack.environment', 'org.dockstack.container'];
    if (ours.some((key) => found.labels[key] !== labels[key])) {
      return Promise.reject(new HostError(this.name, 'conflict', `volume ${name} is not ours`));
    }
    return Promise.resolve(false);
  }

  removeVolume(name: string): Promise<void> {
    this.call(`remove volume ${name}`);
    const using = [...this.containers.values()].some((c) =>
      (c.mounts ?? []).some((m) => m.type === 'volume' && m.name === name),
    );
    if (using)
      return Promise.reject(new HostError(this.name, 'conflict', `volume ${name} is in use`));
    this.volumes.delete(name);
    return Promise.resolve();
  }

  pathExists(id: string, path: string): Promise<boolean> {
    this.call(`look ${id} ${path}`);
    if (!this.containers.has(id)) {
      return Promise.reject(new HostError(this.name, 'not-found', `no container ${id}`));
    }
    const files = this.containers.get(id)?.files;
    return Promise.resolve(
      [...(files?.keys() ?? [])].some((f) => f === path || f.startsWith(`${path}/`)),
    );
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
    if (spec.network !== undefined && this.findNetwork(spec.network) === undefined) {
      return Promise.reject(
        new HostError(this.name, 'not-found', `network ${spec.network} not found`),
      );
    }
    const id = `${this.name}-${this.nextId++}`;
    const health = this.healthOf.get(spec.image);
    // Like the engine: the container joins its network at its address and MAC.
    const joined: NetworkAttachment = {
      ...(spec.ipaddress === undefined ? {} : { ipv4: spec.ipaddress.replace(/\/\d+$/, '') }),
      ...(spec.macAddress === undefined ? {} : { macAddress: spec.macAddress }),
    };
    const container: FakeContainer = {
      id,
      name: spec.name,
      image: spec.image,
      running: false,
      labels,
      ...(health ? { health: [...health] } : {}),
      ...(spec.network === undefined ? {} : { networks: new Map([[spec.network, joined]]) }),
      ...(spec.volumes === undefined ? {} : { mounts: spec.volumes }),
    };
    const missing = (spec.volumes ?? []).find(
      (m) => m.type === 'volume' && !this.volumes.has(m.name),
    );
    if (missing !== undefined) {
      // The engine would make an unlabelled volume: dockstack makes its own first.
      return Promise.reject(
        new Error(`create ${spec.name}: volume ${missing.target} was not made first`),
      );
    }
    this.containers.set(id, container);
    this.emit(container, 'create');
    return Promise.resolve(id);
  }

  startContainer(id: string): Promise<void> {
    this.call(`start ${this.nameOf(id)}`);
    const container = this.get(id);
    if (!container.running) {
      container.running = true;
      container.pid = 10_000 + this.nextId++;
      this.emit(container, 'start');
      // An image whose process exits at once: the container stops right after it started.
      if (this.crashing.has(container.image)) {
        container.logs = [...(container.logs ?? []), 'Error: the process exited at start'];
        this.halt(container, 1);
      }
    }
    return Promise.resolve();
  }

  renameContainer(id: string, name: string): Promise<void> {
    this.call(`rename ${this.nameOf(id)} ${name}`);
    const container = this.get(id);
    if ([...this.containers.values()].some((c) => c.name === name && c.id !== id)) {
      return Promise.reject(new HostError(this.name, 'conflict', `the name ${name} is in use`));
    }
    container.name = name;
    return Promise.resolve();
  }

  containerLogs(id: string, lines: number): Promise<string> {
    this.call(`logs ${this.nameOf(id)}`);
    const logs = this.get(id).logs ?? [];
    return Promise.resolve(
      logs
        .slice(-lines)
        .map((line) => `${line}\n`)
        .join(''),
    );
  }

  stopContainer(id: string): Promise<void> {
    this.call(`stop ${this.nameOf(id)}`);
    const container = this.containers.get(id);
    if (container?.running === true) {
      this.halt(container, 0);
      this.emit(container, 'stop');
    }
    return Promise.resolve();
  }

  removeContainer(id: string): Promise<void> {
    this.call(`remove ${this.nameOf(id)}`);
    const container = this.containers.get(id);
    this.containers.delete(id);
    if (container !== undefined) this.emit(container, 'destroy');
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
      ...(container.running && container.pid !== undefined ? { pid: container.pid } : {}),
      ...(!container.running && container.exitCode !== undefined
        ? { exitCode: container.exitCode }
        : {}),
    });
  }

  exec(id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.call(`exec ${this.nameOf(id)} ${command.join(' ')}`);
    const container = this.running(id);
    return Promise.resolve(this.execHandler(container, command, options));
  }

  upload(id: string, dir: string, files: readonly UploadFile[]): Promise<void> {
    this.call(`upload ${this.nameOf(id)} ${dir} ${files.map((f) => f.path).join(' ')}`);
    const container = this.get(id);
    const folder = containerFolder(dir);
    tarArchive(files);
    container.files ??= new Map();
    for (const file of files) {
      const relative = file.path.split('/').filter((s) => s !== '' && s !== '.');
      container.files.set([folder === '/' ? '' : folder, ...relative].join('/'), file.content);
    }
    return Promise.resolve();
  }

  signal(id: string, signal: string): Promise<void> {
    this.call(`signal ${this.nameOf(id)} ${signal}`);
    const container = this.running(id);
    (container.signals ??= []).push(signal);
    this.emit(container, 'kill');
    return Promise.resolve();
  }

  runHelper(spec: HelperSpec): Promise<ExecResult> {
    this.call(`helper ${spec.image} ${spec.command.join(' ')}`);
    this.helpers.push(spec);
    return Promise.resolve(this.helperHandler(spec));
  }

  startHelper(spec: HelperSpec & { name: string }): Promise<string> {
    this.call(`start helper ${spec.name} (${spec.image})`);
    this.helpers.push(spec);
    const id = `${this.name}-${this.nextId++}`;
    this.containers.set(id, {
      id,
      name: spec.name,
      image: spec.image,
      labels: { ...spec.labels },
      running: true,
    });
    return Promise.resolve(id);
  }

  async *events(options: EventsOptions): AsyncGenerator<ContainerEvent, void, undefined> {
    this.call('events');
    const queue: ContainerEvent[] = [];
    const state = { dropped: false };
    let wake: (() => void) | undefined;
    const subscriber: Subscriber = {
      labels: options.labels ?? {},
      push: (event) => {
        queue.push(event);
        wake?.();
      },
      drop: () => {
        state.dropped = true;
        wake?.();
      },
    };
    const onAbort = (): void => wake?.();
    const ended = (): boolean => options.signal.aborted;
    this.subscribers.add(subscriber);
    options.signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (ended()) return;
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (state.dropped) {
          throw new HostError(this.name, 'unreachable', `Docker host ${this.name} dropped events`);
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.subscribers.delete(subscriber);
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  listNetworks(): Promise<ObservedNetwork[]> {
    this.call('networks');
    return Promise.resolve([...this.networks.values()].map((n) => ({ ...n })));
  }

  createNetwork(spec: NetworkSpec): Promise<string> {
    this.call(`create network ${spec.name}`);
    if (this.findNetwork(spec.name) !== undefined) {
      return Promise.reject(
        new HostError(this.name, 'conflict', `network with name ${spec.name} already exists`),
      );
    }
    const id = `${this.name}-net-${this.nextId++}`;
    const options = { ...spec.options };
    if (spec.bridgeName !== undefined) options['com.docker.network.bridge.name'] = spec.bridgeName;
    if (spec.mtu !== undefined) options['com.docker.network.driver.mtu'] = String(spec.mtu);
    this.networks.set(id, {
      id,
      name: spec.name,
      labels: { ...spec.labels },
      subnet: spec.subnet,
      gateway: spec.gateway,
      ...(spec.bridgeName === undefined ? {} : { bridgeName: spec.bridgeName }),
      ...(spec.mtu === undefined ? {} : { mtu: spec.mtu }),
      options,
    });
    return Promise.resolve(id);
  }

  removeNetwork(idOrName: string): Promise<void> {
    this.call(`remove network ${idOrName}`);
    const network = this.findNetwork(idOrName);
    if (network === undefined) return Promise.resolve();
    const users = [...this.containers.values()].filter((c) => c.networks?.has(network.name));
    if (users.length > 0) {
      return Promise.reject(
        new HostError(this.name, 'conflict', `network ${network.name} has active endpoints`),
      );
    }
    this.networks.delete(network.id);
    return Promise.resolve();
  }

  connectNetwork(
    network: string,
    containerId: string,
    attachment: NetworkAttachment = {},
  ): Promise<void> {
    this.call(`connect ${this.nameOf(containerId)} ${network}`);
    const found = this.findNetwork(network);
    if (found === undefined) {
      return Promise.reject(new HostError(this.name, 'not-found', `network ${network} not found`));
    }
    const container = this.get(containerId);
    container.networks ??= new Map();
    if (container.networks.has(found.name)) {
      return Promise.reject(
        new HostError(this.name, 'conflict', `${container.name} is already on ${found.name}`),
      );
    }
    container.networks.set(found.name, { ...attachment });
    return Promise.resolve();
  }

  disconnectNetwork(network: string, containerId: string): Promise<void> {
    this.call(`disconnect ${this.nameOf(containerId)} ${network}`);
    const found = this.findNetwork(network);
    if (found !== undefined) this.containers.get(containerId)?.networks?.delete(found.name);
    return Promise.resolve();
  }

  close(): void {
    this.timesClosed++;
  }

  /** Adds a container as if something else had created it. */
  add(container: Omit<FakeContainer, 'id'>): string {
    const id = `${this.name}-${this.nextId++}`;
    this.containers.set(id, { id, ...container });
    return id;
  }

  /** Ends a running container as if its process exited with `exitCode`, e.g. a crash. */
  exit(id: string, exitCode: number): void {
    const container = this.get(id);
    if (container.running) this.halt(container, exitCode);
  }

  /** Event streams open now (subscribed and not yet ended). */
  get eventStreams(): number {
    return this.subscribers.size;
  }

  /** Reports `event` to every open event stream whose labels it carries, as the engine would. */
  publish(event: ContainerEvent): void {
    for (const subscriber of this.subscribers) {
      const wanted = Object.entries(subscriber.labels);
      if (wanted.every(([key, value]) => event.labels[key] === value)) subscriber.push(event);
    }
  }

  /** Ends every open event stream as a dropped connection does. */
  dropEvents(): void {
    for (const subscriber of this.subscribers) subscriber.drop();
  }

  writes(): string[] {
    return this.calls.filter((c) => !/^(list|image|status|networks|events|volumes|look) ?/.test(c));
  }

  private halt(container: FakeContainer, exitCode: number): void {
    container.running = false;
    container.exitCode = exitCode;
    delete container.pid;
    this.emit(container, 'die', exitCode);
  }

  private emit(container: FakeContainer, action: string, exitCode?: number): void {
    const event: ContainerEvent = {
      action,
      id: container.id,
      name: container.name,
      labels: { ...container.labels },
      time: Date.now(),
      ...(exitCode === undefined ? {} : { exitCode }),
    };
    this.publish(event);
  }

  private findNetwork(idOrName: string): ObservedNetwork | undefined {
    return (
      this.networks.get(idOrName) ?? [...this.networks.values()].find((n) => n.name === idOrName)
    );
  }

  private running(id: string): FakeContainer {
    const container = this.get(id);
    if (!container.running) {
      throw new HostError(this.name, 'conflict', `container ${container.name} is not running`);
    }
    return container;
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
