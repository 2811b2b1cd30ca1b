import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedVolume } from '../hosts/observed-volume.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { planSteps } from '../plan/plan.js';
import { withVolumes } from '../plan/plan-volumes.js';
import type { Planned } from './plan-stage.js';

/**
 * Tells the plan what its steps do to volumes (see withVolumes): when it creates, recreates or
 * removes containers, the hosts concerned are asked for dockstack's volumes of the environment
 * and for the data folders of the images to run (one call per host and image). A plan without
 * such steps is returned as it is, and so are the steps of a host that does not answer.
 */
export async function volumeStage(
  planned: Planned,
  hosts: ReadonlyMap<string, DockerHost>,
  environment: string,
): Promise<Planned> {
  const steps = planSteps(planned.plan).filter(
    (s) => s.action === 'create' || s.action === 'recreate' || s.action === 'remove',
  );
  if (steps.length === 0) return planned;
  const images = new Map<string, Set<string>>();
  for (const step of steps) {
    if (step.action === 'remove') continue;
    const wanted = images.get(step.host) ?? new Set<string>();
    wanted.add(step.spec.image);
    images.set(step.host, wanted);
  }
  const volumes: ObservedVolume[] = [];
  const dataFolders = new Map<string, Map<string, readonly string[]>>();
  const onHosts = [...new Set(steps.map((s) => s.host))].map(async (name) => {
    const host = hosts.get(name);
    if (host === undefined) return;
    try {
      const found = await host.listVolumes();
      volumes.push(...found.filter((v) => v.labels[LABELS.environment] === environment));
      const folders = new Map<string, readonly string[]>();
      for (const image of images.get(name) ?? []) {
        const facts = await host.inspectImage(image);
        if (facts !== undefined) folders.set(image, facts.dataFolders);
      }
      dataFolders.set(name, folders);
    } catch {
      // Its steps fail in the apply, saying why; the plan tells nothing of its volumes.
      dataFolders.delete(name);
    }
  });
  await Promise.all(onHosts);
  return { ...planned, plan: withVolumes(planned.plan, { volumes, dataFolders }) };
}
