import type Dockerode from 'dockerode';

import type { ContainerSpec } from '../environment/container-spec.js';

/**
 * The engine's create request for `spec`. The MAC address goes in the container config, where API
 * 1.41 (Engine 20.10) reads it, and in the endpoint config of the container's network, where
 * API 1.44 and later read it.
 */
export function createOptions(
  spec: ContainerSpec,
  labels: Record<string, string>,
  networkMode: string,
): Dockerode.ContainerCreateOptions {
  const options: Dockerode.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Hostname: spec.hostname,
    Domainname: spec.domain,
    Labels: { ...labels },
    HostConfig: {
      Dns: [spec.dns],
      RestartPolicy: { Name: 'unless-stopped' },
      NetworkMode: networkMode,
    },
  };
  if (spec.macAddress !== undefined) {
    options.MacAddress = spec.macAddress;
    options.NetworkingConfig = {
      EndpointsConfig: { [networkMode]: { MacAddress: spec.macAddress } },
    };
  }
  return options;
}
