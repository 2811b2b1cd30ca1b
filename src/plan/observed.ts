import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';

/** True when dockstack created the container, and so may change or remove it. */
export function isManaged(container: ObservedContainer): boolean {
  return container.labels[LABELS.managed] === 'true';
}

/**
 * The containers as one environment sees them: a container another environment manages is foreign
 * to this one (its ownership labels are dropped), so it is never changed or removed, and a name it
 * holds is a conflict.
 */
export function asSeenBy(
  environment: string,
  observed: readonly ObservedContainer[],
): ObservedContainer[] {
  return observed.map((container) => {
    if (!isManaged(container) || container.labels[LABELS.environment] === environment)
      return container;
    const labels = Object.fromEntries(
      Object.entries(container.labels).filter(([key]) => !key.startsWith('org.dockstack.')),
    );
    return { ...container, labels };
  });
}

/** The environment's name for a managed container: its container label, else its Docker name. */
export function managedName(container: ObservedContainer): string {
  return container.labels[LABELS.container] ?? container.name;
}

/** The service a managed container was created for, when labelled. */
export function serviceOf(container: ObservedContainer): string | undefined {
  return container.labels[LABELS.service];
}

/** The spec hash a managed container was created with, when labelled. */
export function specHashOf(container: ObservedContainer): string | undefined {
  return container.labels[LABELS.specHash];
}

/**
 * True when the container runs another image than `image`: it was recreated by hand. An image id
 * in place of the name means the name moved on to a newer build since, which is not a change of
 * the environment, so not drift.
 */
export function runsOtherImage(container: ObservedContainer, image: string): boolean {
  const own = container.image;
  return own !== undefined && !own.startsWith('sha256:') && own !== image;
}

/**
 * Why the container is not where the environment's network puts it, or undefined when it is (or
 * the spec names no network): not on the network, or at another address or MAC there. A stopped
 * container has no address to compare; only its membership counts.
 */
export function addressDrift(
  container: ObservedContainer,
  spec: { network?: string; ipaddress?: string; macAddress?: string },
): string | undefined {
  if (spec.network === undefined) return undefined;
  const joined = container.networks?.find((n) => n.name === spec.network);
  if (joined === undefined) return `it is not on the network ${spec.network}`;
  if (!container.running) return undefined;
  const ip = spec.ipaddress?.replace(/\/\d+$/, '');
  if (ip !== undefined && joined.ipv4 !== ip)
    return `it is at ${joined.ipv4 ?? 'no address'}, not ${ip}`;
  const mac = spec.macAddress?.toLowerCase();
  if (mac !== undefined && joined.macAddress?.toLowerCase() !== mac)
    return `its MAC is ${joined.macAddress ?? 'none'}, not ${mac}`;
  return undefined;
}
