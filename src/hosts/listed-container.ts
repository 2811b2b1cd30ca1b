import type Docker from 'dockerode';

import type { Health, ObservedContainer } from './observed-container.js';

/** A listed container in dockstack's terms, with its addresses and networks. */
export function observedContainer(host: string, c: Docker.ContainerInfo): ObservedContainer {
  const entries = Object.entries(c.NetworkSettings.Networks);
  const addresses = entries.map(([, n]) => n.IPAddress).filter((address) => address !== '');
  const networks = entries.map(([name, n]) => ({
    name,
    ...(n.IPAddress === '' ? {} : { ipv4: n.IPAddress }),
    ...(n.MacAddress === '' ? {} : { macAddress: n.MacAddress }),
  }));
  return {
    host,
    name: nameOf(c.Names),
    id: c.Id,
    running: c.State === 'running',
    labels: { ...c.Labels },
    image: c.Image,
    ...(addresses.length === 0 ? {} : { addresses }),
    ...(networks.length === 0 ? {} : { networks }),
    ...healthOf(c.Status),
  };
}

/** The health in the engine's status text (`Up 3 minutes (healthy)`), when it shows one. */
function healthOf(status: string | undefined): { health?: Health } {
  const found = /\((?:health: )?(starting|healthy|unhealthy)\)\s*$/.exec(status ?? '')?.[1];
  return found === undefined ? {} : { health: found as Health };
}

/** The container's own name: the one without a link alias's extra path, without its '/'. */
function nameOf(names: readonly string[]): string {
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}
