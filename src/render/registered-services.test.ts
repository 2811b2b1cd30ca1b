import { describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { seedEnvironment } from '../../test/fixtures/render/seed-environment.js';
import { registeredServices } from './registered-services.js';

describe('registeredServices', () => {
  it('lists the running containers of each service, sorted, services by name', () => {
    const env = seedEnvironment((raw) => {
      raw.services.galera = {
        gal2: { host: 'h' },
        gal1: { host: 'h', state: 'stopped' },
        gal10: { host: 'h' },
      };
    });
    expect(registeredServices(containerSpecs(env))).toEqual({
      cassandra: ['cas1'],
      collector: ['col1'],
      config: ['conf1'],
      control: ['ctrl1'],
      dns: ['dns1', 'dns2'],
      galera: ['gal10', 'gal2'],
      haproxy: ['ha1', 'ha2'],
      openstack: ['os1'],
      puppet: ['puppet1', 'puppet2'],
      webui: ['webui1'],
    });
  });

  it('keeps a service with nothing running, and adds the services asked for', () => {
    const specs = [{ name: 'gal1', service: 'galera', state: 'stopped' as const }];
    expect(registeredServices(specs, ['webui', 'dns'])).toEqual({ dns: [], galera: [], webui: [] });
    expect(Object.keys(registeredServices(specs, ['webui', 'dns']))).toEqual([
      'dns',
      'galera',
      'webui',
    ]);
  });
});
