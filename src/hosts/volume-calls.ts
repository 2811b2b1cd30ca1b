import { dialEngine } from './dial-engine.js';
import type { EngineCaller } from './engine-caller.js';
import { HostError } from './host-error.js';
import type { ObservedVolume } from './observed-volume.js';
import { LABELS } from './ownership-labels.js';
import { statusCodeOf } from './to-host-error.js';

/** What the engine says of one volume (the fields read here). */
interface VolumeAnswer {
  Name?: unknown;
  Labels?: unknown;
}

/**
 * The volume calls of one Docker host: list dockstack's, make one when missing, remove one. Only
 * volumes labelled as dockstack's are listed, used or removed.
 */
export class VolumeCalls {
  constructor(
    private readonly host: string,
    private readonly caller: EngineCaller,
  ) {}

  async list(): Promise<ObservedVolume[]> {
    const answer = await this.caller.call(
      { method: 'volumes', action: 'list volumes' },
      (docker, abortSignal) =>
        dialEngine(docker, {
          path: '/volumes?',
          method: 'GET',
          options: { filters: { label: [`${LABELS.managed}=true`] } },
          abortSignal,
          statusCodes: { 200: true, 500: 'server error' },
        }),
    );
    const volumes = (answer as { Volumes?: unknown } | null)?.Volumes;
    if (!Array.isArray(volumes)) return [];
    return volumes.flatMap((v: VolumeAnswer) => {
      const found = this.observed(v);
      return found === undefined ? [] : [found];
    });
  }

  /**
   * Makes the volume `name` with `labels` unless it is there; true when it was made now. A volume
   * of that name that is not dockstack's, or another container's, is a conflict: never used.
   */
  async ensure(name: string, labels: Record<string, string>): Promise<boolean> {
    const existing = await this.inspect(name);
    if (existing !== undefined) {
      const owner = existing.labels[LABELS.container];
      const environment = existing.labels[LABELS.environment];
      if (
        existing.labels[LABELS.managed] !== 'true' ||
        owner !== labels[LABELS.container] ||
        environment !== labels[LABELS.environment]
      ) {
        throw new HostError(
          this.host,
          'conflict',
          `Docker host ${this.host} has a volume named ${name} that is not dockstack's for ` +
            `this container, which it leaves alone: remove or rename that volume`,
        );
      }
      return false;
    }
    await this.caller.call(
      { method: 'volume', action: `create volume ${name}` },
      (docker, abortSignal) =>
        dialEngine(docker, {
          path: '/volumes/create',
          method: 'POST',
          options: { Name: name, Driver: 'local', Labels: { ...labels } },
          abortSignal,
          statusCodes: { 201: true, 500: 'server error' },
        }),
    );
    return true;
  }

  /** Removing an absent volume succeeds; one a container uses is a conflict. */
  async remove(name: string): Promise<void> {
    await this.caller.idempotent(
      [404],
      { method: 'volume', action: `remove volume ${name}` },
      (docker, abortSignal) =>
        dialEngine(docker, {
          path: `/volumes/${encodeURIComponent(name)}`,
          method: 'DELETE',
          abortSignal,
          statusCodes: {
            204: true,
            404: 'no such volume',
            409: 'volume is in use',
            500: 'server error',
          },
        }),
    );
  }

  private async inspect(name: string): Promise<ObservedVolume | undefined> {
    try {
      const answer = await this.caller.call(
        { method: 'volumes', action: `inspect volume ${name}` },
        (docker, abortSignal) =>
          dialEngine(docker, {
            path: `/volumes/${encodeURIComponent(name)}`,
            method: 'GET',
            abortSignal,
            statusCodes: { 200: true, 404: 'no such volume', 500: 'server error' },
          }),
      );
      return this.observed(answer as VolumeAnswer) ?? { host: this.host, name, labels: {} };
    } catch (error) {
      if (statusCodeOf(error) === 404 || (error instanceof HostError && error.kind === 'not-found'))
        return undefined;
      throw error;
    }
  }

  private observed(v: VolumeAnswer | null): ObservedVolume | undefined {
    if (v === null || typeof v.Name !== 'string') return undefined;
    const labels: Record<string, string> = {};
    if (typeof v.Labels === 'object' && v.Labels !== null) {
      for (const [key, value] of Object.entries(v.Labels)) {
        if (typeof value === 'string') labels[key] = value;
      }
    }
    return { host: this.host, name: v.Name, labels };
  }
}
