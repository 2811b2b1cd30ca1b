import { describe, expect, it } from 'vitest';

import type { NetworkStep, SwitchStep, TunnelStep } from '../plan/plan.js';
import { hostStepDetail } from './host-step-detail.js';

const network: NetworkStep = {
  action: 'network',
  host: 'a',
  environment: 'prod',
  name: 'dockstack-prod',
  subnet: '10.0.0.0/16',
  gateway: '10.0.0.100',
  mtu: 1450,
  bridge: 'dsb-0a1b2c3d',
  inhibitGateway: false,
  reason: 'missing from the host',
};

const bareSwitch: SwitchStep = {
  action: 'switch',
  host: 'b',
  environment: 'prod',
  name: 'dso-0a1b2c3d',
  mtu: 1400,
  stalePorts: [],
  reason: 'the switch container is not running',
};

const tunnel: TunnelStep = {
  action: 'tunnel',
  host: 'a',
  name: 'dsw-0a1b2c3d',
  peers: [
    { host: 'b', address: '192.0.2.2' },
    { host: 'c', address: '192.0.2.3' },
  ],
  local: '192.0.2.1',
  vni: 4242,
  bridge: 'dso-0a1b2c3d',
  mtu: 1450,
  driver: 'ovs',
  reason: 'the network is new: its bridge has no tunnel yet',
};

describe('hostStepDetail', () => {
  it('gives a network its subnet, gateway and MTU', () => {
    expect(hostStepDetail(network)).toBe('10.0.0.0/16 gateway 10.0.0.100 mtu 1450');
  });

  it('gives a switch on a host without the gateway its MTU alone', () => {
    expect(hostStepDetail(bareSwitch)).toBe('Open vSwitch bridge, mtu 1400');
  });

  it('gives a switch the gateway it holds', () => {
    expect(hostStepDetail({ ...bareSwitch, gateway: '10.0.0.100/16' })).toBe(
      'Open vSwitch bridge, mtu 1400, gateway 10.0.0.100/16',
    );
  });

  it('counts the stale ports a switch step removes', () => {
    const stalePorts = ['dsp0123456789', 'dsp1111111111'];
    expect(hostStepDetail({ ...bareSwitch, stalePorts })).toBe(
      'Open vSwitch bridge, mtu 1400, 2 stale ports removed',
    );
    expect(hostStepDetail({ ...bareSwitch, gateway: '10.0.0.100/16', stalePorts })).toBe(
      'Open vSwitch bridge, mtu 1400, gateway 10.0.0.100/16, 2 stale ports removed',
    );
  });

  it('names the hosts a tunnel reaches, its VNI and local address, whatever the driver', () => {
    expect(hostStepDetail(tunnel)).toBe('to b, c, vni 4242 from 192.0.2.1');
    const bridgeTunnel: TunnelStep = { ...tunnel };
    delete bridgeTunnel.driver;
    expect(hostStepDetail(bridgeTunnel)).toBe('to b, c, vni 4242 from 192.0.2.1');
  });
});
