import { containerSpecs } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { canonicalJson } from '../plan/canonical-json.js';
import type { ClassMap } from '../render/class-map.js';
import { sitePpView } from '../render/site-pp-view.js';

/**
 * The containers that keep running from `before` to `after` but whose Puppet configuration
 * changes: every module reads the manifest's `$dockstack_common` and `$dockstack_members`, so when
 * those change (a member added or removed, a common value changed), every running container with
 * classes picks the change up at its next agent run (the galera cluster address, the haproxy
 * members, the cassandra seeds, ...). Containers created or recreated by the change are left
 * out: they start with the new configuration. Sorted by name.
 */
export function refreshedContainers(
  before: Environment | undefined,
  after: Environment,
  createdOrRecreated: ReadonlySet<string>,
  classes: ClassMap,
): string[] {
  const data = (env: Environment) => {
    const view = sitePpView(env, classes);
    return canonicalJson({
      common: view.common,
      parameters: view.parameters,
      members: view.members,
    });
  };
  if (before !== undefined && data(before) === data(after)) return [];
  const existing = new Set(before === undefined ? [] : containerSpecs(before).map((s) => s.name));
  return containerSpecs(after)
    .filter(
      (spec) =>
        spec.state === 'running' &&
        existing.has(spec.name) &&
        !createdOrRecreated.has(spec.name) &&
        (classes[spec.service]?.length ?? 0) > 0,
    )
    .map((spec) => spec.name)
    .sort();
}
