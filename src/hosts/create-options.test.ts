import { describe, expect, it } from 'vitest';

import type { ContainerSpec } from '../environment/container-spec.js';
import { createOptions } from './create-options.js';

const spec: ContainerSpec = {
  environment: 'default',
  name: 'dns1',
  service: 'dns',
  host: '192.168.99.2',
  tier: 0,
  image: 'dns:latest',
  hostname: 'dns1',
  domain: 'endor.lab',
  dns: '10.0.0.1',
  state: 'running',
};

describe('createOptions', () => {
  it('names the container and sets image, hostname, domain, labels, DNS and restart policy', () => {
    expect(createOptions(spec, { 'org.dockstack.managed': 'true' }, 'bridge')).toEqual({
      name: 'dns1',
      Image: 'dns:latest',
      Hostname: 'dns1',
      Domainname: 'endor.lab',
      Labels: { 'org.dockstack.managed': 'true' },
      HostConfig: {
        Dns: ['10.0.0.1'],
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: 'bridge',
      },
    });
  });

  it('puts a MAC address in the container config and in the endpoint of its network', () => {
    const options = createOptions({ ...spec, macAddress: 'de:ad:be:ef:ba:11' }, {}, 'none');
    expect(options.MacAddress).toBe('de:ad:be:ef:ba:11');
    expect(options.HostConfig?.NetworkMode).toBe('none');
    expect(options.NetworkingConfig).toEqual({
      EndpointsConfig: { none: { MacAddress: 'de:ad:be:ef:ba:11' } },
    });
  });
});
