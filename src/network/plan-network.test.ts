import { describe, expect, it } from 'vitest';

import type { HostNetworkState } from './host-network-state.js';
import type { NetworkLayout } from './network-layout.js';
import { INHIBIT_IPV4_OPTION, planNetwork } from './plan-network.js';

const layout: NetworkLayout = {
  driver: 'bridge',
  subnet: { address: 0x0a000000, prefix: 16, ip: '10.0.0.0' },
  cidr: '10.0.0.0/16',
  gateway: '10.0.0.100',
  mtu: 1450,
  vni: 4242,
  environment: 'prod',
  network: 'dockstack-prod',
  bridge: 'dsb-0a1b2c3d',
  vxlan: 'dsv-0a1b2c3d',
  otherVxlan: 'dsw-0a1b2c3d',
  hosts: [
    { name: 'a', address: '192.0.2.1' },
    { name: 'b', address: '192.0.2.2' },
  ],
  gatewayHost: 'a',
};

function inPlace(host: 'a' | 'b'): HostNetworkState {
  return {
    network: {
      id: `${host}-net`,
      subnet: '10.0.0.0/16',
      gateway: '10.0.0.100',
      bridgeName: 'dsb-0a1b2c3d',
      mtu: 1450,
      options: host === 'a' ? {} : { [INHIBIT_IPV4_OPTION]: 'true' },
    },
    tunnel: {
      present: true,
      vni: 4242,
      local: host === 'a' ? '192.0.2.1' : '192.0.2.2',
      master: 'dsb-0a1b2c3d',
      peers: [host === 'a' ? '192.0.2.2' : '192.0.2.1'],
    },
  };
}

describe('planNetwork', () => {
  it('makes the network on every host, the gateway on one, and a tunnel to the others', () => {
    const steps = planNetwork(layout, new Map(), new Set());
    expect(steps.map((s) => [s.host, s.action])).toEqual([
      ['a', 'network'],
      ['a', 'tunnel'],
      ['b', 'network'],
      ['b', 'tunnel'],
    ]);
    expect(steps[0]).toMatchObject({ inhibitGateway: false, reason: 'missing from the host' });
    expect(steps[2]).toMatchObject({ inhibitGateway: true });
    expect(steps[1]).toMatchObject({
      peers: [{ host: 'b', address: '192.0.2.2' }],
      local: '192.0.2.1',
    });
  });

  it('plans nothing when every host has it as it should be', () => {
    const states = new Map([
      ['a', inPlace('a')],
      ['b', inPlace('b')],
    ]);
    expect(planNetwork(layout, states, new Set())).toEqual([]);
  });

  it('makes a network with other settings again, and its tunnel with it', () => {
    const b = inPlace('b');
    const states = new Map([
      ['a', inPlace('a')],
      ['b', { ...b, network: { ...(b.network ?? { id: '', options: {} }), mtu: 1500 } }],
    ]);
    expect(planNetwork(layout, states, new Set())).toEqual([
      expect.objectContaining({
        action: 'network',
        host: 'b',
        replaces: 'b-net',
        reason: 'it has MTU 1500: made again',
      }),
      expect.objectContaining({ action: 'tunnel', host: 'b' }),
    ]);
  });

  it('repairs a tunnel that is missing or lost a peer; one not looked at is left alone', () => {
    const a = inPlace('a');
    const bWithoutTunnel = inPlace('b');
    delete bWithoutTunnel.tunnel;
    const states = new Map<string, HostNetworkState>([
      ['a', { ...a, tunnel: { present: false, peers: [] } }],
      ['b', bWithoutTunnel],
    ]);
    expect(planNetwork(layout, states, new Set())).toEqual([
      expect.objectContaining({ action: 'tunnel', host: 'a', reason: 'missing from the host' }),
    ]);
    const lost = new Map([
      ['a', { ...a, tunnel: { ...a.tunnel, present: true, peers: [] } }],
      ['b', inPlace('b')],
    ]);
    expect(planNetwork(layout, lost, new Set())).toEqual([
      expect.objectContaining({ action: 'tunnel', host: 'a', reason: 'no tunnel to b' }),
    ]);
  });

  it('leaves out a host that did not answer', () => {
    const steps = planNetwork(layout, new Map([['a', inPlace('a')]]), new Set(['b']));
    expect(steps).toEqual([]);
  });
});
