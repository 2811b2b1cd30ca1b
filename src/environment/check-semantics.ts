import type { Path, Target } from './locate.js';
import { broadcastOf, inSubnet, networkOf, parseIpv4, parseIpv4Cidr } from './ipv4.js';
import { DNS_NAME, IPV4, RFC1123_LABEL } from './patterns.js';
import type { Environment } from './schema.js';
import { tierOrder } from './tier-order.js';

/** A rule the schema alone cannot express, broken at `path`. */
export interface SemanticIssue {
  path: Path;
  target: Target;
  message: string;
  hint?: string;
}

/**
 * Cross-field rules of a schema-valid environment: unique names and addresses, addresses that fit
 * their subnet, hosts that resolve, services that have a tier.
 */
export function checkSemantics(env: Environment): SemanticIssue[] {
  return [
    ...checkNames(env),
    ...checkAddresses(env),
    ...checkHosts(env),
    ...checkOrder(env),
    ...checkImages(env),
  ];
}

function checkNames(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const seen = new Map<string, string>();
  const visit = (section: 'services' | 'external', group: Record<string, unknown> | undefined) => {
    for (const [service, containers] of Object.entries(group ?? {})) {
      for (const name of Object.keys(containers ?? {})) {
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, `${section}.${service}`);
          continue;
        }
        issues.push({
          path: [section, service, name],
          target: 'key',
          message: `container name '${name}' is already used under ${first}`,
          hint: 'names are host names in the domain: give each container its own name',
        });
      }
    }
  };
  visit('services', env.services);
  visit('external', env.external);
  return issues;
}

interface Addressed {
  path: Path;
  ipaddress?: string | undefined;
  gateway?: string | undefined;
  macAddress?: string | undefined;
}

function addressed(env: Environment): Addressed[] {
  const all: Addressed[] = [];
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {}))
      all.push({ path: ['services', service, name], ...c });
  }
  for (const [role, nodes] of Object.entries(env.external ?? {})) {
    for (const [name, n] of Object.entries(nodes ?? {}))
      all.push({ path: ['external', role, name], ...n });
  }
  return all;
}

function checkAddresses(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const macs = new Map<string, string>();
  const ips = new Map<number, string>();
  for (const c of addressed(env)) {
    const where = c.path.join('.');
    if (c.macAddress !== undefined) {
      const mac = c.macAddress.toLowerCase();
      const path = [...c.path, 'macAddress'];
      const firstOctet = Number.parseInt(mac.slice(0, 2), 16);
      if (firstOctet & 1) {
        issues.push({
          path,
          target: 'value',
          message: `MAC address ${c.macAddress} is a multicast address`,
          hint: 'the first octet must be even; locally administered unicast addresses start with x2, x6, xa or xe, e.g. 02:...',
        });
      } else if (mac === '00:00:00:00:00:00') {
        issues.push({
          path,
          target: 'value',
          message: 'MAC address 00:00:00:00:00:00 is not usable',
        });
      }
      const other = macs.get(mac);
      if (other === undefined) macs.set(mac, where);
      else
        issues.push({
          path,
          target: 'value',
          message: `MAC address ${c.macAddress} is already given to ${other}`,
        });
    }
    const cidr = c.ipaddress === undefined ? undefined : parseIpv4Cidr(c.ipaddress);
    if (cidr !== undefined) {
      const path = [...c.path, 'ipaddress'];
      const other = ips.get(cidr.address);
      if (other === undefined) ips.set(cidr.address, where);
      else
        issues.push({
          path,
          target: 'value',
          message: `IP address ${cidr.ip} is already given to ${other}`,
        });
      if (cidr.prefix <= 30) {
        if (cidr.address === networkOf(cidr.address, cidr.prefix)) {
          issues.push({
            path,
            target: 'value',
            message: `${c.ipaddress} is the network address of its subnet`,
            hint: 'pick a host address inside the subnet',
          });
        } else if (cidr.address === broadcastOf(cidr.address, cidr.prefix)) {
          issues.push({
            path,
            target: 'value',
            message: `${c.ipaddress} is the broadcast address of its subnet`,
            hint: 'pick a host address inside the subnet',
          });
        }
      }
    }
    if (c.gateway !== undefined) {
      const path = [...c.path, 'gateway'];
      const gateway = parseIpv4(c.gateway);
      if (cidr === undefined) {
        issues.push({
          path,
          target: 'key',
          message: `gateway ${c.gateway} is set but ipaddress is not`,
          hint: 'a gateway goes with a static ipaddress: add ipaddress or remove gateway',
        });
      } else if (gateway !== undefined && !inSubnet(gateway, cidr)) {
        issues.push({
          path,
          target: 'value',
          message: `gateway ${c.gateway} is outside the container's subnet ${c.ipaddress}`,
          hint: "the gateway must be reachable on the container's own subnet",
        });
      } else if (gateway === cidr.address) {
        issues.push({
          path,
          target: 'value',
          message: `gateway ${c.gateway} is the container's own address`,
        });
      }
    }
  }
  return issues;
}

function isHostName(value: string): boolean {
  return IPV4.test(value) || DNS_NAME.test(value);
}

function checkHosts(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const hosts = env.hosts ?? {};
  for (const [key, endpoint] of Object.entries(hosts)) {
    if (!isHostName(key) && !RFC1123_LABEL.test(key)) {
      issues.push({
        path: ['hosts', key],
        target: 'key',
        message: `host key '${key}' is neither an IP address nor a host name`,
        hint: 'use the address or name services refer to the host by',
      });
    }
    if (endpoint.tls !== undefined && !endpoint.docker.startsWith('tcp://')) {
      issues.push({
        path: ['hosts', key, 'tls'],
        target: 'key',
        message: `tls applies to tcp:// endpoints only, not ${endpoint.docker.split(':')[0] ?? ''}`,
        hint: 'remove tls or use a tcp:// endpoint',
      });
    }
  }
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) {
      if (Object.hasOwn(hosts, c.host) || isHostName(c.host)) continue;
      issues.push({
        path: ['services', service, name, 'host'],
        target: 'value',
        message: `host '${c.host}' is neither an IP address, nor a host name, nor a key of hosts`,
        hint: "write the Docker host's address or name, or add it under hosts: with its docker endpoint",
      });
    }
  }
  return issues;
}

function checkOrder(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const order = tierOrder(env);
  const seen = new Set<string>();
  order.forEach((service, index) => {
    if (seen.has(service))
      issues.push({
        path: ['order', index],
        target: 'value',
        message: `service '${service}' appears twice in order`,
      });
    seen.add(service);
  });
  for (const service of Object.keys(env.services)) {
    if (seen.has(service)) continue;
    issues.push({
      path: ['services', service],
      target: 'key',
      message: `service '${service}' is missing from the tier order`,
      hint:
        env.order === undefined
          ? `add an order: list naming every service in start order, e.g. order: [${[...order, service].join(', ')}]`
          : `add '${service}' to order: where it should start`,
    });
  }
  return issues;
}

function checkImages(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) {
      if (c.tag !== undefined && c.digest !== undefined) {
        issues.push({
          path: ['services', service, name, 'digest'],
          target: 'key',
          message: 'tag and digest are both set',
          hint: 'pin the image by one of them',
        });
      }
    }
  }
  return issues;
}
