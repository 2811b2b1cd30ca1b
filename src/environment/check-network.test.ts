import { describe, expect, it } from 'vitest';

import { environmentNetwork } from './environment-network.js';
import { loadEnvironment } from './load-environment.js';
import { formatProblem } from './problem.js';

const base = `common:
  dnsServer: 10.0.0.1
  domain: endor.lab
  vip: 10.0.0.254
services:
  dns:
    dns1:
      host: 192.168.99.2
      ipaddress: 10.0.0.1/16
      gateway: 10.0.0.100
  webui:
    webui1:
      host: 192.168.99.2
`;

function problems(text: string): string[] {
  const result = loadEnvironment(text, { file: 'env.yaml' });
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe("the environment's network", () => {
  it('is taken from the static addresses when the file says nothing of it (the seed)', () => {
    const result = loadEnvironment(base);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(environmentNetwork(result.env)).toMatchObject({
      driver: 'bridge',
      cidr: '10.0.0.0/16',
      gateway: '10.0.0.100',
      mtu: 1450,
    });
  });

  it('is absent for a file with no static address and no network', () => {
    const result = loadEnvironment(base.replace(/ {6}ipaddress.*\n {6}gateway.*\n/, ''));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(environmentNetwork(result.env)).toBeUndefined();
  });

  it('takes what network: gives', () => {
    const result = loadEnvironment(
      `${base}network: { driver: ovs, subnet: 10.0.0.0/16, gateway: 10.0.0.100, mtu: 1400, vni: 42 }\n`,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(environmentNetwork(result.env)).toMatchObject({ driver: 'ovs', mtu: 1400, vni: 42 });
  });

  it.each([
    {
      name: 'a static address outside the subnet',
      text: `${base}network: { subnet: 10.1.0.0/16 }\n`,
      expected: [
        "env.yaml:4:8: the VIP 10.0.0.254 is outside the environment's subnet 10.1.0.0/16 (the haproxy containers hold the VIP on the subnet: pick an address in it)",
        "env.yaml:9:18: 10.0.0.1/16 is outside the environment's subnet 10.1.0.0/16 (give the container an address inside the subnet)",
      ],
    },
    {
      name: 'a subnet that is no network address',
      text: `${base}network: { subnet: 10.0.3.1/16 }\n`,
      expected: [
        "env.yaml:14:20: 10.0.3.1/16 is not a network address (write the subnet's first address: 10.0.0.0/16)",
      ],
    },
    {
      name: 'a container on the gateway',
      text: `${base}network: { gateway: 10.0.0.1 }\n`,
      expected: [
        "env.yaml:9:18: 10.0.0.1 is the network's gateway (give the container another address, or the network another gateway)",
        "env.yaml:10:16: gateway 10.0.0.100 differs from the network's gateway 10.0.0.1 (every container of the environment leaves its subnet through one gateway)",
      ],
    },
    {
      name: 'a container on the VIP',
      text: base.replace('ipaddress: 10.0.0.1/16', 'ipaddress: 10.0.0.254/16'),
      expected: [
        'env.yaml:9:18: 10.0.0.254 is the VIP (common.vip) (give the container another address: the VIP moves between the haproxy containers)',
      ],
    },
    {
      name: 'a subnet too small',
      text: `${base.replace('10.0.0.1/16', '10.0.0.1/30').replace('10.0.0.100', '10.0.0.2').replace('vip: 10.0.0.254', 'vip_name: vip')}    webui2:\n      host: 192.168.99.2\n`,
      expected: [
        'env.yaml:5:1: the subnet 10.0.0.0/30 has room for 1 containers, not 3 (use a larger subnet (a shorter prefix))',
      ],
    },
    {
      name: 'a second host nobody can reach for the tunnels',
      text: `${base.replace('    webui1:\n      host: 192.168.99.2', '    webui1:\n      host: h2')}hosts:\n  h2: { docker: 'unix:///run/h2.sock' }\n`,
      expected: [
        "env.yaml:15:3: host h2 has no address the other hosts can reach it at, for the tunnels of the environment's network (add hosts.h2.address with the host's IPv4 address)",
      ],
    },
    {
      name: 'a host with a Docker network of its own',
      text: `${base}hosts:\n  192.168.99.2: { docker: 'unix:///var/run/docker.sock', network: bridge }\n`,
      expected: [
        "env.yaml:15:58: the containers join the environment's network: a Docker network of their own (bridge) cannot be used with it (remove hosts.192.168.99.2.network)",
      ],
    },
    {
      name: 'a network with nothing to take a subnet from',
      text: `${base.replace(/ {6}ipaddress.*\n {6}gateway.*\n/, '')}network: { driver: bridge }\n`,
      expected: [
        'env.yaml:12:1: the network has no subnet, and no container has a static address to take it from (add network.subnet, such as 10.0.0.0/16)',
      ],
    },
  ])('refuses $name', ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });

  it('accepts a host reached for the tunnels at hosts.HOST.address', () => {
    const text = `${base.replace('    webui1:\n      host: 192.168.99.2', '    webui1:\n      host: h2')}hosts:\n  h2: { docker: 'unix:///run/h2.sock', address: 10.200.0.2 }\n`;
    expect(problems(text)).toEqual([]);
  });
});
