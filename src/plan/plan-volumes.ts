import { withDataFolders } from '../environment/container-mounts.js';
import type { ObservedVolume } from '../hosts/observed-volume.js';
import { LABELS } from '../hosts/ownership-labels.js';
import type { Plan, PlannedMount, PlannedVolumes } from './plan.js';

/** What the hosts tell of volumes: dockstack's volumes, and the data folders of images. */
export interface VolumeFacts {
  volumes: readonly ObservedVolume[];
  /**
   * The data folders each image declares, by host then image (an image the host lacks is left
   * out); a host that did not answer is left out, and so are its steps.
   */
  dataFolders: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

/**
 * The plan with what its steps do to volumes (pure): what each created or recreated container
 * will mount, named volumes `kept` (they exist on its host) or `new`; and for each removal the
 * named volumes it leaves on the host. Volumes are never removed by a plan.
 */
export function withVolumes(plan: Plan, facts: VolumeFacts): Plan {
  const names = new Set(facts.volumes.map((v) => `${v.host}\u0000${v.name}`));
  const tiers = plan.tiers.map((tier) => ({
    ...tier,
    steps: tier.steps.map((step) => {
      const onHost = facts.dataFolders.get(step.host);
      if (onHost === undefined) return step;
      if (step.action === 'create' || step.action === 'recreate') {
        const folders = onHost.get(step.spec.image);
        const mounts = withDataFolders(
          step.spec.volumes ?? [],
          folders ?? [],
          step.spec.environment,
          step.spec.name,
        );
        const planned: PlannedVolumes = {
          mounts: mounts.map((m): PlannedMount =>
            m.type === 'bind'
              ? { type: 'bind', source: m.source, target: m.target }
              : {
                  type: 'volume',
                  name: m.name,
                  target: m.target,
                  state: names.has(`${step.host}\u0000${m.name}`) ? 'kept' : 'new',
                },
          ),
          ...(folders === undefined ? { imageUnknown: true as const } : {}),
        };
        if (planned.mounts.length === 0 && folders !== undefined) return step;
        return { ...step, volumes: planned };
      }
      if (step.action === 'remove') {
        const keeps = facts.volumes
          .filter(
            (v) =>
              v.host === step.host &&
              v.labels[LABELS.container] === step.name &&
              v.labels[LABELS.managed] === 'true',
          )
          .map((v) => v.name)
          .sort();
        return keeps.length === 0 ? step : { ...step, keeps };
      }
      return step;
    }),
  }));
  return { ...plan, tiers };
}
