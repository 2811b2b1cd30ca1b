import { checkNameLengths } from './check-name-lengths.js';
import { checkNetwork } from './check-network.js';
import { checkPublicParameters } from './check-public-parameters.js';
import { checkVolumes } from './check-volumes.js';
import { broadcastOf, inSubnet, networkOf, parseIpv4, parseIpv4Cidr } from './ipv4.js';
import { DNS_NAME, IPV4, RFC1123_LABEL } from './patterns.js';
import type { Container, Environment } from './schema.js';
import type { SemanticIssue } from './semantic-issue.js';
import { quoteText } from './show-value.js';
import { tierOrder } from './tier-order.js';

export type { SemanticIssue } from './semantic-issue.js';

/** A container or external node: the addresses it may have, and where it is. */
interface Node {
  section: 'services' | 'external';
  /** Its service, or its role for an external node. */
  group: string;
  name: string;
  ipaddress?: string | undefined;
  gateway?: string | undefined;
  macAddress?: string | undefined;
}

/**
 * Cross-field rules of a schema-valid environment: unique names and addresses, names that fit the
 * DNS with the domain, addresses that fit their subnet, hosts that resolve, services that have a
 * tier, public parameters that exist.
 * Takes time in proportion to the environment's size: the entries are listed once for all rules.
 */
export function checkSemantics(env: Environment): SemanticIssue[] {
  const containers: [service: string, name: string, container: Container][] = [];
  const nodes: Node[] = [];
  for (const [service, group] of Object.entries(env.services)) {
    for (const [name, c] of Object.entries(group ?? {})) {
      containers.push([service, name, c]);
      nodes.push({ section: 'services', group: service, name, ...c });
    }
  }
  for (const [role, group] of Object.entries(env.external ?? {})) {
    for (const [name, n] of Object.entries(group ?? {})) {
      nodes.push({ section: 'external', group: role, name, ...n });
    }
  }
  return [
    ...checkNames(nodes),
    ...checkNameLengths(env),
    ...checkAddresses(nodes),
    ...checkHosts(env, containers),
    ...checkOrder(env),
    ...checkImages(containers),
    ...checkPublicParameters(env),
    ...checkNetwork(env),
    ...checkVolumes(env),
  ];
}

function checkNames(nodes: readonly Node[]): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const seen = new Map<string, Node>();
  for (const node of nodes) {
    const first = seen.get(node.name);
    if (first === undefined) {
      seen.set(node.name, node);
      continue;
    }
    issues.push({
      path: [node.section, node.group, node.name],
      target: 'key',
      message: `container name '${node.name}' is already used under ${first.section}.${first.group}`,
      hint: 'names are host names in the domain: give each container its own name',
    });
  }
  return issues;
}

function checkAddresses(nodes: readonly Node[]): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const macs = new Map<string, Node>();
  const ips = new Map<number, Node>();
  const where = (node: Node): string => `${node.section}.${node.group}.${node.name}`;
  for (const c of nodes) {
    const at = [c.section, c.group, c.name];
    if (c.macAddress !== undefined) {
      const mac = c.macAddress.toLowerCase();
      const path = [...at, 'macAddress'];
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
      if (other === undefined) macs.set(mac, c);
      else
        issues.push({
          path,
          target: 'value',
          message: `MAC address ${c.macAddress} is already given to ${where(other)}`,
        });
    }
    const cidr = c.ipaddress === undefined ? undefined : parseIpv4Cidr(c.ipaddress);
    if (cidr !== undefined) {
      const path = [...at, 'ipaddress'];
      const other = ips.get(cidr.address);
      if (other === undefined) ips.set(cidr.address, c);
      else
        issues.push({
          path,
          target: 'value',
          message: `IP address ${cidr.ip} is already given to ${where(other)}`,
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
      const path = [...at, 'gateway'];
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

function checkHosts(
  env: Environment,
  containers: readonly [string, string, Container][],
): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const hosts = env.hosts ?? {};
  for (const [key, endpoint] of Object.entries(hosts)) {
    if (!isHostName(key) && !RFC1123_LABEL.test(key)) {
      issues.push({
        path: ['hosts', key],
        target: 'key',
        message: `host key ${quoteText(key)} is neither an IP address nor a host name`,
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
  for (const [service, name, c] of containers) {
    if (Object.hasOwn(hosts, c.host) || isHostName(c.host)) continue;
    issues.push({
      path: ['services', service, name, 'host'],
      target: 'value',
      message: `host ${quoteText(c.host)} is neither an IP address, nor a host name, nor a key of hosts`,
      hint: "write the Docker host's address or name, or add it under hosts: with its docker endpoint",
    });
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
  const example = order.join(', ');
  for (const service of Object.keys(env.services)) {
    if (seen.has(service)) continue;
    issues.push({
      path: ['services', service],
      target: 'key',
      message: `service '${service}' is missing from the tier order`,
      hint:
        env.order === undefined
          ? `add an order: list naming every service in start order, e.g. order: [${example}, ${service}]`
          : `add '${service}' to order: where it should start`,
    });
  }
  return issues;
}

function checkImages(containers: readonly [string, string, Container][]): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  for (const [service, name, c] of containers) {
    if (c.tag !== undefined && c.digest !== undefined) {
      issues.push({
        path: ['services', service, name, 'digest'],
        target: 'key',
        message: 'tag and digest are both set',
        hint: 'pin the image by one of them',
      });
    }
  }
  return issues;
}
