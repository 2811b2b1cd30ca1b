import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedVolume } from '../hosts/observed-volume.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { compareText } from '../util/compare-text.js';

/**
 * One of the environment's volumes, and what holds it: `used` (its container is in the file, on
 * that host), `moved` (its container runs on another host now: its data stayed here), `gone`
 * (its container is no longer in the file: `dockstack volumes prune` removes it).
 */
export interface VolumeStatus {
  host: string;
  name: string;
  container: string;
  path: string;
  status: 'used' | 'moved' | 'gone';
  /** For `moved`: where the container runs now. */
  movedTo?: string;
}

/**
 * The volumes of `environment` among `volumes`, each with what holds it (pure), sorted by host
 * and name. Volumes of other environments are left out.
 */
export function volumeStatus(
  volumes: readonly ObservedVolume[],
  specs: readonly ContainerSpec[],
  environment: string,
): VolumeStatus[] {
  const hostOf = new Map(specs.map((s) => [s.name, s.host]));
  return volumes
    .filter(
      (v) => v.labels[LABELS.managed] === 'true' && v.labels[LABELS.environment] === environment,
    )
    .map((v): VolumeStatus => {
      const container = v.labels[LABELS.container] ?? '';
      const base = { host: v.host, name: v.name, container, path: v.labels[LABELS.path] ?? '' };
      const host = hostOf.get(container);
      if (host === undefined) return { ...base, status: 'gone' };
      if (host !== v.host) return { ...base, status: 'moved', movedTo: host };
      return { ...base, status: 'used' };
    })
    .sort((a, b) => compareText(a.host, b.host) || compareText(a.name, b.name));
}
