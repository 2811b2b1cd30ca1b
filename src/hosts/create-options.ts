import type Dockerode from 'dockerode';

import type { ContainerSpec } from '../environment/container-spec.js';
import type { Mount } from '../environment/container-mounts.js';

/**
 * The engine's create request for `spec`. On the environment's network the container joins at
 * its address; its MAC goes in the container config, where API 1.41 (Engine 20.10) reads it, and
 * in the endpoint config, where API 1.44 and later read it. Without one it joins `networkMode`,
 * the host's default. A stop gives it `stopTimeoutSeconds` (Docker's 10 unless given).
 */
export function createOptions(
  spec: ContainerSpec,
  labels: Record<string, string>,
  networkMode: string,
  stopTimeoutSeconds?: number,
): Dockerode.ContainerCreateOptions {
  // Wired to an Open vSwitch bridge once it runs: no network of Docker's meanwhile.
  const network = spec.wiring === undefined ? (spec.network ?? networkMode) : 'none';
  const endpoint: Dockerode.EndpointSettings = {};
  const ipv4 = spec.network === undefined ? undefined : spec.ipaddress?.replace(/\/\d+$/, '');
  if (ipv4 !== undefined) endpoint.IPAMConfig = { IPv4Address: ipv4 };
  if (spec.macAddress !== undefined && spec.wiring === undefined) {
    endpoint.MacAddress = spec.macAddress;
  }
  const options: Dockerode.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Hostname: spec.hostname,
    Domainname: spec.domain,
    Labels: { ...labels },
    HostConfig: {
      ...(spec.dns === undefined ? {} : { Dns: [spec.dns] }),
      ...(spec.capAdd === undefined ? {} : { CapAdd: [...spec.capAdd] }),
      RestartPolicy: { Name: 'unless-stopped' },
      NetworkMode: network,
      ...(spec.volumes === undefined || spec.volumes.length === 0
        ? {}
        : { Mounts: spec.volumes.map(mountOf) }),
    },
  };
  if (stopTimeoutSeconds !== undefined) options.StopTimeout = stopTimeoutSeconds;
  if (spec.env !== undefined) {
    options.Env = Object.entries(spec.env).map(([key, value]) => `${key}=${value}`);
  }
  if (spec.macAddress !== undefined && spec.wiring === undefined) {
    options.MacAddress = spec.macAddress;
  }
  if (Object.keys(endpoint).length > 0) {
    options.NetworkingConfig = { EndpointsConfig: { [network]: endpoint } };
  }
  return options;
}

/** The engine's mount for one of the spec's mounts. */
function mountOf(mount: Mount): Dockerode.MountSettings {
  const readOnly = mount.readOnly === true ? { ReadOnly: true } : {};
  return mount.type === 'volume'
    ? { Type: 'volume', Source: mount.name, Target: mount.target, ...readOnly }
    : { Type: 'bind', Source: mount.source, Target: mount.target, ...readOnly };
}
