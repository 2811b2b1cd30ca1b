/** Something that happened to a container, as the engine's event stream tells it. */
export interface ContainerEvent {
  /** `create`, `start`, `die`, `stop`, `kill`, `destroy`, `health_status: healthy`, ... */
  action: string;
  id: string;
  name: string;
  /** The container's labels. */
  labels: Record<string, string>;
  /** When it happened, in milliseconds since the epoch. */
  time: number;
  /** The exit code, on a `die`. */
  exitCode?: number;
}

/** Which events to follow, and until when. */
export interface EventsOptions {
  /** The stream ends, without an error, when this aborts. */
  signal: AbortSignal;
  /** Only containers carrying every one of these labels. */
  labels?: Record<string, string>;
}

/** Attributes the engine adds to a container event's actor besides the container's labels. */
const NOT_LABELS: ReadonlySet<string> = new Set([
  'name',
  'image',
  'exitCode',
  'signal',
  'execID',
  'execDuration',
]);

/**
 * The container event in one line of the engine's event stream (JSON), or undefined when the
 * line is not a container event. The engine merges a container's labels with its own attributes;
 * a label named like one of those (name, image, exitCode, signal, execID, execDuration) is lost.
 */
export function containerEventOf(line: string): ContainerEvent | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(entry) || entry.Type !== 'container' || typeof entry.Action !== 'string') {
    return undefined;
  }
  const actor = isRecord(entry.Actor) ? entry.Actor : {};
  const attributes = isRecord(actor.Attributes) ? actor.Attributes : {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!NOT_LABELS.has(key) && typeof value === 'string') labels[key] = value;
  }
  const event: ContainerEvent = {
    action: entry.Action,
    id: typeof actor.ID === 'string' ? actor.ID : '',
    name: typeof attributes.name === 'string' ? attributes.name : '',
    labels,
    time: timeOf(entry),
  };
  const exitCode = Number(attributes.exitCode);
  if (attributes.exitCode !== undefined && Number.isInteger(exitCode)) event.exitCode = exitCode;
  return event;
}

function timeOf(entry: Record<string, unknown>): number {
  if (typeof entry.timeNano === 'number') return Math.floor(entry.timeNano / 1e6);
  return typeof entry.time === 'number' ? entry.time * 1000 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
