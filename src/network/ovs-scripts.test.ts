import { describe, expect, it } from 'vitest';

import {
  ovsTunnelScript,
  parseSwitch,
  parseWired,
  portName,
  showSwitchScript,
  switchScript,
  wireScript,
  type OvsTunnelSettings,
  type SwitchSettings,
  type WireSettings,
} from './ovs-scripts.js';

const BRIDGE = 'dso-0a1b2c3d';
const TUNNEL = 'dsw-0a1b2c3d';

const lines = (script: string): string[] => script.split('\n');

describe('portName', () => {
  it('is dsp and 10 hex digits, the same every time', () => {
    const name = portName('e1', 'gal1');
    expect(name).toMatch(/^dsp[0-9a-f]{10}$/);
    expect(name).toHaveLength(13);
    expect(portName('e1', 'gal1')).toBe(name);
  });

  it('differs per environment and per container', () => {
    const names = [portName('e1', 'gal1'), portName('e2', 'gal1'), portName('e1', 'gal2')];
    expect(new Set(names).size).toBe(3);
  });
});

describe('switchScript', () => {
  const settings: SwitchSettings = { bridge: BRIDGE, mtu: 1450, stalePorts: [] };

  it('makes the bridge with its MTU, up, on the kernel datapath only where the module is loaded', () => {
    const script = lines(switchScript(settings));
    expect(script[0]).toBe('set -e');
    expect(script).toContain(
      'datapath=netdev; [ ! -d /sys/module/openvswitch ] || datapath=system',
    );
    expect(script).toContain(
      `ovs-vsctl --timeout=10 --may-exist add-br ${BRIDGE} -- set bridge ${BRIDGE} datapath_type=$datapath` +
        ` -- set interface ${BRIDGE} mtu_request=1450`,
    );
    expect(script).toContain(`ip link set dev ${BRIDGE} up`);
  });

  it('takes every address off a bridge without the gateway', () => {
    const script = lines(switchScript(settings));
    expect(script).toContain(`ip -4 addr flush dev ${BRIDGE}`);
    expect(script.join('\n')).not.toMatch(/addr replace/);
  });

  it('puts the gateway on the bridge that holds it, once', () => {
    const script = lines(switchScript({ ...settings, gateway: '10.0.0.100/16' }));
    expect(script).toContain(
      `ip -4 addr show dev ${BRIDGE} | grep -q ' 10.0.0.100/16 ' || ip addr replace 10.0.0.100/16 dev ${BRIDGE}`,
    );
    expect(script).not.toContain(`ip -4 addr flush dev ${BRIDGE}`);
  });

  it('removes each stale port from the bridge and the host', () => {
    const stalePorts = ['dsp0123456789', 'dsp1111111111'];
    const script = lines(switchScript({ ...settings, stalePorts }));
    for (const port of stalePorts) {
      expect(script).toContain(`ovs-vsctl --timeout=10 --if-exists del-port ${BRIDGE} ${port}`);
      expect(script).toContain(`ip link del dev ${port} 2>/dev/null || true`);
    }
  });

  it.each<[string, Partial<SwitchSettings>, string]>([
    ['a bridge name over 15 characters', { bridge: 'dso-0a1b2c3d4e5f' }, '"dso-0a1b2c3d4e5f"'],
    ['a bridge name with a space', { bridge: 'dso 1' }, '"dso 1"'],
    ['a bridge name with a semicolon', { bridge: 'dso;reboot' }, '"dso;reboot"'],
    ['an MTU below 576', { mtu: 575 }, '"575"'],
    ['an MTU over 9000', { mtu: 9001 }, '"9001"'],
    ['an MTU that is no integer', { mtu: 1450.5 }, '"1450.5"'],
    ['a gateway without its prefix', { gateway: '10.0.0.100' }, '"10.0.0.100"'],
    ['a gateway with a command', { gateway: '10.0.0.100/16 $(id)' }, '"10.0.0.100/16 $(id)"'],
    ['a stale port with a command', { stalePorts: ['dsp1;reboot'] }, '"dsp1;reboot"'],
  ])('refuses %s, quoting it', (_, change, quoted) => {
    expect(() => switchScript({ ...settings, ...change })).toThrow(quoted);
  });
});

describe('ovsTunnelScript', () => {
  const settings: OvsTunnelSettings = {
    device: TUNNEL,
    bridge: BRIDGE,
    vni: 4242,
    local: '192.0.2.1',
    peers: ['192.0.2.2', '192.0.2.3'],
    mtu: 1450,
  };

  it('makes the VXLAN device again, flooding to every peer, as a port of the bridge', () => {
    const script = lines(ovsTunnelScript(settings));
    expect(script).toContain(`ovs-vsctl --timeout=10 br-exists ${BRIDGE}`);
    expect(script).toContain(`ovs-vsctl --timeout=10 --if-exists del-port ${BRIDGE} ${TUNNEL}`);
    expect(script).toContain(
      `ip link add ${TUNNEL} mtu 1450 type vxlan id 4242 local 192.0.2.1 dstport 4789`,
    );
    expect(script.filter((l) => l.startsWith('bridge fdb append'))).toEqual([
      `bridge fdb append 00:00:00:00:00:00 dev ${TUNNEL} dst 192.0.2.2`,
      `bridge fdb append 00:00:00:00:00:00 dev ${TUNNEL} dst 192.0.2.3`,
    ]);
    expect(script.at(-1)).toBe(
      `ovs-vsctl --timeout=10 add-port ${BRIDGE} ${TUNNEL} -- set interface ${TUNNEL}` +
        ` external_ids:dockstack-ifindex=$(cat /sys/class/net/${TUNNEL}/ifindex)`,
    );
  });

  it.each<[string, Partial<OvsTunnelSettings>, string]>([
    ['a device name over 15 characters', { device: 'dsw-0a1b2c3d4e5f' }, '"dsw-0a1b2c3d4e5f"'],
    ['a bridge name with a space', { bridge: 'dso 1' }, '"dso 1"'],
    ['a local address with a command', { local: '192.0.2.1;id' }, '"192.0.2.1;id"'],
    ['a peer with a command', { peers: ['192.0.2.2 && id'] }, '"192.0.2.2 && id"'],
    ['VNI 0', { vni: 0 }, '"0"'],
    ['a VNI over 24 bits', { vni: 0x1000000 }, '"16777216"'],
    ['an MTU over 9000', { mtu: 70_000 }, '"70000"'],
  ])('refuses %s, quoting it', (_, change, quoted) => {
    expect(() => ovsTunnelScript({ ...settings, ...change })).toThrow(quoted);
  });
});

describe('wireScript', () => {
  const settings: WireSettings = {
    bridge: BRIDGE,
    port: 'dsp0123456789',
    environment: 'e1',
    container: 'gal1',
    pid: 4321,
    mac: 'de:ad:be:ef:ba:11',
    mtu: 1450,
    static: { address: '10.0.0.1/16', gateway: '10.0.0.100' },
  };
  const dhcp: WireSettings = { ...settings };
  delete dhcp.static;

  it("makes the veth pair, the container's end as eth0 with its MAC in its namespace", () => {
    const script = lines(wireScript(settings));
    expect(script).toContain(
      'ip link add dsp0123456789 mtu 1450 type veth peer name eth0 address de:ad:be:ef:ba:11 mtu 1450 netns 4321',
    );
    expect(script).toContain('nsenter -t 4321 -n ethtool -K eth0 tx off >/dev/null');
    expect(script).toContain('ethtool -K dsp0123456789 tx off >/dev/null');
    expect(script).toContain('nsenter -t 4321 -n ip link set dev eth0 up');
  });

  it('labels the port with the container, its environment and the ifindex it was added for', () => {
    const add = lines(wireScript(settings)).find((l) => l.includes(' add-port '));
    expect(add).toBe(
      `ovs-vsctl --timeout=10 add-port ${BRIDGE} dsp0123456789 -- set interface dsp0123456789` +
        ' external_ids:dockstack-container=gal1 external_ids:dockstack-env=e1' +
        ' external_ids:dockstack-ifindex=$(cat /sys/class/net/dsp0123456789/ifindex)',
    );
  });

  it('sets a static address and the route through the gateway from the host side', () => {
    const script = lines(wireScript(settings));
    expect(script).toContain('nsenter -t 4321 -n ip addr add 10.0.0.1/16 dev eth0');
    expect(script).toContain('nsenter -t 4321 -n ip route replace default via 10.0.0.100 dev eth0');
    expect(script.at(-1)).toBe(
      `echo 'DOCKSTACK-WIRED {"ip":"10.0.0.1","mac":"de:ad:be:ef:ba:11","dhcp":false}'`,
    );
    expect(script.join('\n')).not.toMatch(/udhcpc/);
  });

  it("adds no route when the gateway is the container's own address", () => {
    const own = wireScript({
      ...settings,
      static: { address: '10.0.0.1/16', gateway: '10.0.0.1' },
    });
    expect(lines(own)).toContain('nsenter -t 4321 -n ip addr add 10.0.0.1/16 dev eth0');
    expect(own).not.toMatch(/route/);
  });

  it('asks for the address by DHCP from the namespace, configuring it from the lease itself', () => {
    const script = lines(wireScript(dhcp));
    const client = script.find((l) => l.includes('udhcpc'));
    expect(client).toContain('nsenter -t 4321 -n env UDHCPC_CONFIGURE=0');
    expect(client).toContain('busybox udhcpc -i eth0');
    expect(script).toContain('nsenter -t 4321 -n ip addr add "$ip/$mask" dev eth0');
    expect(script).toContain(
      '[ -z "$router" ] || nsenter -t 4321 -n ip route replace default via "$router" dev eth0',
    );
    expect(script.at(-1)).toBe(
      'echo "DOCKSTACK-WIRED {\\"ip\\":\\"$ip\\",\\"mac\\":\\"$mac\\",\\"dhcp\\":true}"',
    );
  });

  it('gives the lease back once the address is set, and stops the DHCP client however it ends', () => {
    const script = lines(wireScript(dhcp));
    const client = script.findIndex((l) => l.includes('busybox udhcpc'));
    // In the background, without -q: only a client that stays bound can release its lease.
    expect(script[client]).toMatch(/ -f -n .*&$/);
    expect(script[client]).not.toMatch(/ -q /);
    expect(script[client + 2]).toMatch(/^trap 'kill "\$dhcp"/);
    const set = script.indexOf('nsenter -t 4321 -n ip addr add "$ip/$mask" dev eth0');
    const release = script.indexOf('kill -USR2 "$dhcp"');
    expect(set).toBeGreaterThan(client);
    expect(release).toBeGreaterThan(set);
  });

  it.each<[string, Partial<WireSettings>, string]>([
    ['a port name over 15 characters', { port: 'dsp0123456789abc' }, '"dsp0123456789abc"'],
    ['a bridge name with a space', { bridge: 'dso 1' }, '"dso 1"'],
    ['a bridge name with a semicolon', { bridge: 'dso;1' }, '"dso;1"'],
    ['a container name with a command', { container: 'a;rm -rf /' }, '"a;rm -rf /"'],
    ['an environment name with a command', { environment: 'e1$(id)' }, '"e1$(id)"'],
    ['pid 0', { pid: 0 }, '"0"'],
    ['a negative pid', { pid: -4321 }, '"-4321"'],
    ['a MAC with a command', { mac: 'de:ad:be:ef:ba:11;id' }, '"de:ad:be:ef:ba:11;id"'],
    ['a short MAC', { mac: 'de:ad:be:ef:ba' }, '"de:ad:be:ef:ba"'],
    ['an MTU below 576', { mtu: 100 }, '"100"'],
    [
      'an address without its prefix',
      { static: { address: '10.0.0.1', gateway: '10.0.0.100' } },
      '"10.0.0.1"',
    ],
    [
      'an address with a command',
      { static: { address: '10.0.0.1/16;id', gateway: '10.0.0.100' } },
      '"10.0.0.1/16;id"',
    ],
    [
      'a gateway with a prefix',
      { static: { address: '10.0.0.1/16', gateway: '10.0.0.100/16' } },
      '"10.0.0.100/16"',
    ],
  ])('refuses %s, quoting it', (_, change, quoted) => {
    expect(() => wireScript({ ...settings, ...change })).toThrow(quoted);
  });
});

describe('parseWired', () => {
  it('reads the last result line, its MAC in lower case', () => {
    const output = [
      'udhcpc: started',
      'DOCKSTACK-WIRED {"ip":"10.0.0.9","mac":"02:00:00:00:00:09","dhcp":true}',
      'DOCKSTACK-WIRED {"ip":"10.0.0.7","mac":"DE:AD:BE:EF:BA:11","dhcp":true}',
      '',
    ].join('\n');
    expect(parseWired(output)).toEqual({ ip: '10.0.0.7', mac: 'de:ad:be:ef:ba:11', dhcp: true });
  });

  it('reads a static result as no DHCP', () => {
    const output = 'DOCKSTACK-WIRED {"ip":"10.0.0.1","mac":"de:ad:be:ef:ba:11","dhcp":false}\n';
    expect(parseWired(output)).toEqual({ ip: '10.0.0.1', mac: 'de:ad:be:ef:ba:11', dhcp: false });
  });

  it('throws without a result line', () => {
    expect(() => parseWired('udhcpc: no lease\n')).toThrow('printed no result');
  });

  it('throws on a result it cannot read', () => {
    expect(() => parseWired('DOCKSTACK-WIRED {"ip":"10.0.0.7"}')).toThrow(
      'unreadable result: DOCKSTACK-WIRED {"ip":"10.0.0.7"}',
    );
    expect(() => parseWired('DOCKSTACK-WIRED {"ip":')).toThrow(SyntaxError);
  });
});

describe('parseSwitch', () => {
  const addresses = [
    {
      ifindex: 7,
      ifname: BRIDGE,
      addr_info: [
        { family: 'inet', local: '10.0.0.100', prefixlen: 16, scope: 'global', label: BRIDGE },
      ],
    },
  ];
  const interfaces = {
    data: [
      [
        'dsp0123456789',
        2311,
        [
          'map',
          [
            ['dockstack-container', 'gal1'],
            ['dockstack-env', 'e1'],
            ['dockstack-ifindex', '2311'],
          ],
        ],
      ],
      [
        'dsp1111111111',
        0,
        [
          'map',
          [
            ['dockstack-container', 'gal2'],
            ['dockstack-env', 'e1'],
            ['dockstack-ifindex', '13'],
          ],
        ],
      ],
      [
        'dsp2222222222',
        40,
        [
          'map',
          [
            ['dockstack-container', 'web'],
            ['dockstack-env', 'e1'],
            ['dockstack-ifindex', '39'],
          ],
        ],
      ],
      [
        'other',
        5,
        [
          'map',
          [
            ['dockstack-container', 'x'],
            ['dockstack-env', 'e2'],
          ],
        ],
      ],
      [TUNNEL, 9, ['map', [['dockstack-ifindex', '9']]]],
      [BRIDGE, 7, ['map', []]],
    ],
    headings: ['name', 'ifindex', 'external_ids'],
  };
  const link = [
    {
      ifindex: 9,
      ifname: TUNNEL,
      mtu: 1450,
      linkinfo: {
        info_kind: 'vxlan',
        info_data: { id: 4242, local: '192.0.2.1', port: 4789 },
      },
    },
  ];
  const fdb = [
    { mac: '00:00:00:00:00:00', dst: '192.0.2.3', flags: ['self'], state: 'permanent' },
    { mac: '00:00:00:00:00:00', dst: '192.0.2.2', flags: ['self'], state: 'permanent' },
    { mac: '02:42:0a:00:00:07', dst: '192.0.2.2', flags: ['self'] },
  ];

  /** What showSwitchScript prints: six parts, each ended by a line `--` but the last. */
  function shown(parts: Partial<Record<'bridge' | 'master', string>> & { tunnel?: boolean }) {
    return [
      parts.bridge ?? 'present',
      JSON.stringify(addresses),
      JSON.stringify(interfaces),
      parts.master ?? BRIDGE,
      parts.tunnel === false ? '[]' : JSON.stringify(link),
      parts.tunnel === false ? '[]' : JSON.stringify(fdb),
    ].join('\n--\n');
  }

  it('prints the six parts it reads', () => {
    const script = showSwitchScript(BRIDGE, TUNNEL);
    expect(lines(script).filter((l) => l === `echo '--'`)).toHaveLength(5);
    expect(() => showSwitchScript(BRIDGE, 'dsw;reboot')).toThrow('"dsw;reboot"');
  });

  it("reads the bridge, its addresses, the environment's ports and the tunnel on the bridge", () => {
    expect(parseSwitch(`${shown({})}\n`, 'e1')).toEqual({
      bridge: true,
      addresses: ['10.0.0.100/16'],
      ports: [
        { port: 'dsp0123456789', container: 'gal1', ok: true },
        { port: 'dsp1111111111', container: 'gal2', ok: false },
        { port: 'dsp2222222222', container: 'web', ok: false },
      ],
      tunnel: {
        present: true,
        vni: 4242,
        local: '192.0.2.1',
        master: BRIDGE,
        peers: ['192.0.2.2', '192.0.2.3'],
      },
    });
  });

  it('lists only the ports of the environment asked about', () => {
    expect(parseSwitch(shown({}), 'e2').ports).toEqual([
      { port: 'other', container: 'x', ok: false },
    ]);
    expect(parseSwitch(shown({}), 'e3').ports).toEqual([]);
  });

  it('takes a port whose ifindex is no number (OVS has none for it) as not ok', () => {
    const ids = [
      'map',
      [
        ['dockstack-container', 'gal3'],
        ['dockstack-env', 'e1'],
      ],
    ];
    const table = { data: [['dsp3333333333', ['set', []], ids]], headings: interfaces.headings };
    const output = ['present', '[]', JSON.stringify(table), '', '[]', '[]'].join('\n--\n');
    expect(parseSwitch(output, 'e1').ports).toEqual([
      { port: 'dsp3333333333', container: 'gal3', ok: false },
    ]);
  });

  it('reads an absent bridge, without addresses or a tunnel', () => {
    const output = ['absent', '[]', '{"data":[],"headings":[]}', '', '[]', '[]'].join('\n--\n');
    expect(parseSwitch(output, 'e1')).toEqual({
      bridge: false,
      addresses: [],
      ports: [],
      tunnel: { present: false, peers: [] },
    });
  });

  it('reads a bridge device without IPv4 addresses as none', () => {
    const output = ['present', '[{}]', '{"data":[]}', '', '[]', '[]'].join('\n--\n');
    expect(parseSwitch(output, 'e1').addresses).toEqual([]);
  });

  it('gives the tunnel no master when it is a port of no bridge', () => {
    const tunnel = parseSwitch(shown({ master: '' }), 'e1').tunnel;
    expect(tunnel).toEqual({
      present: true,
      vni: 4242,
      local: '192.0.2.1',
      peers: ['192.0.2.2', '192.0.2.3'],
    });
    expect('master' in tunnel).toBe(false);
  });

  it("ignores the kernel's master of the device: OVS says which bridge it is on", () => {
    const kernel = [{ ...link[0], master: 'ovs-system' }];
    const output = shown({}).replace(JSON.stringify(link), JSON.stringify(kernel));
    expect(parseSwitch(output, 'e1').tunnel.master).toBe(BRIDGE);
    const noPort = shown({ master: '' }).replace(JSON.stringify(link), JSON.stringify(kernel));
    expect(parseSwitch(noPort, 'e1').tunnel.master).toBeUndefined();
  });

  it('reads a missing tunnel device as absent', () => {
    expect(parseSwitch(shown({ master: '', tunnel: false }), 'e1').tunnel).toEqual({
      present: false,
      peers: [],
    });
  });

  it('throws on a wrong number of parts or unreadable JSON', () => {
    const parts = shown({}).split('\n--\n');
    expect(() => parseSwitch(parts.slice(0, 5).join('\n--\n'), 'e1')).toThrow(
      'expected 6 parts, got 5',
    );
    expect(() => parseSwitch([...parts, '[]'].join('\n--\n'), 'e1')).toThrow(
      'expected 6 parts, got 7',
    );
    expect(() => parseSwitch('', 'e1')).toThrow('expected 6 parts, got 1');
    const broken = ['present', '[]', 'ovs-vsctl: unix:/run/db.sock: database connection failed'];
    expect(() => parseSwitch([...broken, '', '[]', '[]'].join('\n--\n'), 'e1')).toThrow(
      SyntaxError,
    );
  });
});
