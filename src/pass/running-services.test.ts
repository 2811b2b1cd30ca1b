import { describe, expect, it } from 'vitest';

import { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { runningServices } from './running-services.js';

const env = Environment.parse({
  common: { dnsServer: '10.0.0.1', domain: 'lab' },
  registered_services: { dns: ['dns1'], webui: ['webui1', 'webui2'] },
  services: {
    dns: { dns1: { host: 'h1' } },
    webui: { webui1: { host: 'h1' }, webui2: { host: 'h2' }, webui3: { host: 'h1' } },
    galera: {},
  },
});

function managed(name: string, service: string, running = true): ObservedContainer {
  return {
    host: 'h1',
    name,
    id: name,
    running,
    labels: {
      'org.dockstack.managed': 'true',
      'org.dockstack.service': service,
      'org.dockstack.container': name,
    },
  };
}

describe('runningServices', () => {
  it('lists the running managed containers per service, every service included', () => {
    const observed = [
      managed('dns1', 'dns'),
      managed('webui1', 'webui', false),
      managed('webui3', 'webui'),
      { ...managed('x', 'webui'), labels: {} },
    ];
    expect(runningServices(env, observed, new Set())).toEqual({
      dns: ['dns1'],
      galera: [],
      webui: ['webui3'],
    });
  });

  it('keeps what the file said of containers on a host that could not be observed', () => {
    expect(runningServices(env, [managed('dns1', 'dns')], new Set(['h2']))).toEqual({
      dns: ['dns1'],
      galera: [],
      webui: ['webui2'],
    });
  });
});
