import type { ContainerSpec } from '../environment/container-spec.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { specHash } from './spec-hash.js';

/** The image label of an application image whose Puppet agent dockstack kicks (images/README.md). */
export const AGENT_LABEL = 'org.dockstack.puppet-agent';
export const AGENT_LABEL_KICK = 'kick';

/** The labels of the container created from `spec`. */
export function labelsFor(spec: ContainerSpec): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.environment]: spec.environment,
    [LABELS.service]: spec.service,
    [LABELS.container]: spec.name,
    [LABELS.specHash]: specHash(spec),
  };
}

/**
 * The labels of the volume dockstack makes for `spec` at `path`: whose it is (environment,
 * service, container) and where it goes. A volume keeps them after its container is gone, so
 * `dockstack volumes` can tell which ones no container of the file uses any more.
 */
export function volumeLabelsFor(spec: ContainerSpec, path: string): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.environment]: spec.environment,
    [LABELS.service]: spec.service,
    [LABELS.container]: spec.name,
    [LABELS.path]: path,
  };
}
