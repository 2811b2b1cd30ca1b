import { describe, expect, it } from 'vitest';

import { makeTunnelScript, parseTunnel, showTunnelScript } from './tunnel-commands.js';

const settings = {
  device: 'dsv-0a1b2c3d',
  bridge: 'dsb-0a1b2c3d',
  vni: 4242,
  local: '10.200.0.1',
  peers: ['10.200.0.2', '10.200.0.3'],
  mtu: 1450,
};

describe('the tunnel scripts', () => {
  it('make the VXLAN device again from scratch, flooding to every peer, on the bridge', () => {
    expect(makeTunnelScript(settings).split('\n')).toEqual([
      'set -e',
      'ip link show dev dsb-0a1b2c3d >/dev/null',
      'ip link del dev dsv-0a1b2c3d 2>/dev/null || true',
      'ip link add dsv-0a1b2c3d mtu 1450 type vxlan id 4242 local 10.200.0.1 dstport 4789',
      'bridge fdb append 00:00:00:00:00:00 dev dsv-0a1b2c3d dst 10.200.0.2',
      'bridge fdb append 00:00:00:00:00:00 dev dsv-0a1b2c3d dst 10.200.0.3',
      'ip link set dev dsv-0a1b2c3d master dsb-0a1b2c3d',
      'ip link set dev dsv-0a1b2c3d up',
    ]);
  });

  it('refuse any value that could change the script', () => {
    expect(() => makeTunnelScript({ ...settings, device: 'x; reboot' })).toThrow(/interface name/);
    expect(() => makeTunnelScript({ ...settings, bridge: 'a'.repeat(16) })).toThrow(/interface/);
    expect(() => makeTunnelScript({ ...settings, peers: ['10.0.0.1 && id'] })).toThrow(/IPv4/);
    expect(() => makeTunnelScript({ ...settings, vni: 0 })).toThrow(/VNI/);
    expect(() => makeTunnelScript({ ...settings, mtu: 70_000 })).toThrow(/MTU/);
    expect(() => showTunnelScript('$(id)')).toThrow(/interface name/);
  });

  it("read iproute2's JSON: the device, its VNI, local address, bridge and flood entries", () => {
    const link = [
      {
        ifname: 'dsv-0a1b2c3d',
        master: 'dsb-0a1b2c3d',
        linkinfo: { info_kind: 'vxlan', info_data: { id: 4242, local: '10.200.0.1', port: 4789 } },
      },
    ];
    const fdb = [
      { mac: '00:00:00:00:00:00', dst: '10.200.0.3', flags: ['self'] },
      { mac: '00:00:00:00:00:00', dst: '10.200.0.2', flags: ['self'] },
      { mac: '02:42:0a:00:00:07', dst: '10.200.0.2', flags: ['self'] },
      { mac: '02:42:0a:00:00:07', master: 'dsb-0a1b2c3d' },
    ];
    expect(parseTunnel(`${JSON.stringify(link)}\n--\n${JSON.stringify(fdb)}\n`)).toEqual({
      present: true,
      vni: 4242,
      local: '10.200.0.1',
      master: 'dsb-0a1b2c3d',
      peers: ['10.200.0.2', '10.200.0.3'],
    });
  });

  it('read a missing device, or another kind of device of that name, as absent', () => {
    expect(parseTunnel('[]\n--\n[]\n')).toEqual({ present: false, peers: [] });
    expect(parseTunnel('')).toEqual({ present: false, peers: [] });
    const dummy = [{ ifname: 'dsv-0a1b2c3d', linkinfo: { info_kind: 'dummy' } }];
    expect(parseTunnel(`${JSON.stringify(dummy)}\n--\n[]`)).toEqual({ present: false, peers: [] });
    expect(() => parseTunnel('Error: no such device')).toThrow();
  });
});
