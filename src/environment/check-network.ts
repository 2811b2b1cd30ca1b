import { environmentNetwork, staticAddresses, tunnelAddress } from './environment-network.js';
import { broadcastOf, inSubnet, networkOf, parseIpv4, parseIpv4Cidr } from './ipv4.js';
import { DNS_NAME, IPV4 } from './patterns.js';
import type { Environment } from './schema.js';
import type { SemanticIssue } from './semantic-issue.js';

/**
 * The rules of the environment's network (see environmentNetwork): what cannot work is refused
 * before anything runs. A subnet given must be a network address; every static address must be in
 * the subnet, with its prefix; the gateway and the VIP must be in it and belong to no container;
 * the subnet must have room for every container; hosts must be reachable for the tunnels between
 * them; and a host cannot also name a Docker network of its own.
 */
export function checkNetwork(env: Environment): SemanticIssue[] {
  const network = environmentNetwork(env);
  if (network === undefined) {
    return env.network === undefined
      ? []
      : [
          {
            path: ['network'],
            target: 'key',
            message:
              'the network has no subnet, and no container has a static address to take it from',
            hint: 'add network.subnet, such as 10.0.0.0/16',
          },
        ];
  }
  const issues: SemanticIssue[] = [];
  const { subnet, cidr } = network;
  const given = env.network?.subnet;
  if (given !== undefined) {
    const parsed = parseIpv4Cidr(given);
    if (parsed !== undefined && networkOf(parsed.address, parsed.prefix) !== parsed.address) {
      issues.push({
        path: ['network', 'subnet'],
        target: 'value',
        message: `${given} is not a network address`,
        hint: `write the subnet's first address: ${cidr}`,
      });
    }
  }
  const gateway = parseIpv4(network.gateway);
  const vip = env.common.vip === undefined ? undefined : parseIpv4(env.common.vip);
  const taken = new Map<number, string>();
  for (const c of staticAddresses(env)) {
    const at = ['services', c.service, c.name];
    const parsed = parseIpv4Cidr(c.ipaddress);
    if (parsed === undefined) continue;
    if (!inSubnet(parsed.address, subnet)) {
      issues.push({
        path: [...at, 'ipaddress'],
        target: 'value',
        message: `${c.ipaddress} is outside the environment's subnet ${cidr}`,
        hint:
          given === undefined
            ? 'static addresses share one subnet, taken from the first one: give them all addresses in it, or set network.subnet'
            : 'give the container an address inside the subnet',
      });
    } else if (parsed.prefix !== subnet.prefix) {
      issues.push({
        path: [...at, 'ipaddress'],
        target: 'value',
        message: `${c.ipaddress} has the prefix /${String(parsed.prefix)}, the environment's subnet ${cidr} /${String(subnet.prefix)}`,
        hint: `write it as ${parsed.ip}/${String(subnet.prefix)}`,
      });
    }
    if (parsed.address === gateway) {
      issues.push({
        path: [...at, 'ipaddress'],
        target: 'value',
        message: `${parsed.ip} is the network's gateway`,
        hint: 'give the container another address, or the network another gateway',
      });
    }
    if (parsed.address === vip) {
      issues.push({
        path: [...at, 'ipaddress'],
        target: 'value',
        message: `${parsed.ip} is the VIP (common.vip)`,
        hint: 'give the container another address: the VIP moves between the haproxy containers',
      });
    }
    if (c.gateway !== undefined && c.gateway !== network.gateway) {
      issues.push({
        path: [...at, 'gateway'],
        target: 'value',
        message: `gateway ${c.gateway} differs from the network's gateway ${network.gateway}`,
        hint: 'every container of the environment leaves its subnet through one gateway',
      });
    }
    taken.set(parsed.address, c.name);
  }
  // A gateway taken from a container is checked there, against the container's own subnet.
  if (env.network?.gateway !== undefined && gateway !== undefined && !inSubnet(gateway, subnet)) {
    issues.push({
      path: ['network', 'gateway'],
      target: 'value',
      message: `gateway ${network.gateway} is outside the subnet ${cidr}`,
      hint: 'the gateway must be an address of the subnet',
    });
  }
  if (vip !== undefined && !inSubnet(vip, subnet)) {
    issues.push({
      path: ['common', 'vip'],
      target: 'value',
      message: `the VIP ${env.common.vip ?? ''} is outside the environment's subnet ${cidr}`,
      hint: 'the haproxy containers hold the VIP on the subnet: pick an address in it',
    });
  } else if (vip !== undefined && vip === gateway) {
    issues.push({
      path: ['common', 'vip'],
      target: 'value',
      message: `the VIP ${env.common.vip ?? ''} is the network's gateway`,
      hint: 'give the VIP another address',
    });
  }
  const containers = Object.values(env.services).reduce(
    (n, group) => n + Object.keys(group ?? {}).length,
    0,
  );
  const room =
    broadcastOf(subnet.address, subnet.prefix) -
    subnet.address -
    1 -
    1 -
    (vip === undefined ? 0 : 1);
  if (containers > room) {
    issues.push({
      path: env.network?.subnet === undefined ? ['services'] : ['network', 'subnet'],
      target: env.network?.subnet === undefined ? 'key' : 'value',
      message: `the subnet ${cidr} has room for ${String(Math.max(room, 0))} containers, not ${String(containers)}`,
      hint: 'use a larger subnet (a shorter prefix)',
    });
  }
  issues.push(...checkHosts(env));
  return issues;
}

const HOST_NAME = { test: (host: string) => IPV4.test(host) || DNS_NAME.test(host) };

function checkHosts(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const used = new Map<string, [string, string]>();
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) {
      if (!used.has(c.host)) used.set(c.host, [service, name]);
    }
  }
  for (const [host, endpoint] of Object.entries(env.hosts ?? {})) {
    if (endpoint.network !== undefined) {
      issues.push({
        path: ['hosts', host, 'network'],
        target: 'key',
        message: `the containers join the environment's network: a Docker network of their own (${endpoint.network}) cannot be used with it`,
        hint: `remove hosts.${host}.network`,
      });
    }
  }
  if (used.size < 2) return issues;
  for (const [host, [service, name]] of used) {
    // A host that is no name at all is reported by the host rules already.
    if (tunnelAddress(env, host) !== undefined || !HOST_NAME.test(host)) continue;
    const declared = env.hosts?.[host] !== undefined;
    issues.push({
      path: declared ? ['hosts', host] : ['services', service, name, 'host'],
      target: declared ? 'key' : 'value',
      message: `host ${host} has no address the other hosts can reach it at, for the tunnels of the environment's network`,
      hint: `add hosts.${host}.address with the host's IPv4 address`,
    });
  }
  return issues;
}
