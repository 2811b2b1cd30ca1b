import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { isManaged, managedName } from '../plan/observed.js';
import { leaseTime, type Lease } from '../render/render-leases.js';
import {
  readAddressRecord,
  readLeases,
  type RecordedAddress,
  type RecordFiles,
} from './address-record.js';
import { allocateAddresses, type Allocation } from './allocate-addresses.js';
import { keptLeases } from './kept-leases.js';
import { networkLayout, type NetworkLayout } from './network-layout.js';
import { portName } from './ovs-scripts.js';

/** The service whose containers run dnsmasq for the environment. */
export const DNS_SERVICE = 'dns';

/** The environment with every container's address worked out. */
export interface AddressedEnvironment {
  /** The environment's network; undefined when it has none (no `network:`, no static address). */
  layout?: NetworkLayout;
  /** Each container's MAC and address, by name (empty without a network). */
  addresses: Map<string, Allocation>;
  /**
   * Every container the environment asks for (see containerSpecs), on the environment's network
   * at its address and MAC when it has one; the dns containers get dnsmasq's settings, and resolve
   * through Docker's own DNS rather than through themselves.
   */
  specs: ContainerSpec[];
  /**
   * The addresses kept for names not in the file (`dnsmasq/leases`), by name; undefined when
   * there are none and the record has no leases file either (there is no file to write then).
   */
  leases?: Map<string, Lease>;
}

/** What addressing an environment works from, besides the environment itself. */
export interface AddressInputs {
  /** The address record as last written back; undefined when there is none yet. */
  record?: RecordFiles | undefined;
  /** The containers found on the hosts (a record lost or not written yet); none unless given. */
  observed?: readonly ObservedContainer[];
  /** The environment's networkLayout, when the caller has it already. */
  layout?: NetworkLayout | undefined;
  /** When the pass runs (ms since the Unix epoch): when a name that leaves the file now left. */
  now: number;
}

/**
 * The environment's containers with their addresses (pure): static, else recorded in the record's
 * `dnsmasq/dhcp-hosts`, else where the container is found on the environment's network (a record
 * lost or not written yet), else the lease its name kept since it left the file
 * (`dnsmasq/leases`), else new; and the leases after this pass: the names of the record and the
 * found containers that are no longer in the file keep their addresses. See allocateAddresses and
 * keptLeases.
 */
export function addressEnvironment(env: Environment, inputs: AddressInputs): AddressedEnvironment {
  const specs = containerSpecs(env);
  const layout = inputs.layout ?? networkLayout(env);
  if (layout === undefined) return { addresses: new Map(), specs };
  const reserved = env.common.vip === undefined ? [] : [env.common.vip];
  const remembered = readAddressRecord(inputs.record?.dhcpHosts);
  for (const [name, address] of foundAddresses(layout, inputs.observed ?? [])) {
    if (!remembered.has(name)) remembered.set(name, address);
  }
  const leases = readLeases(inputs.record?.leases);
  const space = {
    subnet: layout.subnet,
    gateway: layout.gateway,
    reserved,
    salt: layout.environment,
  };
  const addresses = allocateAddresses(specs, space, remembered, leases);
  const kept = keptLeases(remembered, leases, addresses, space, leaseTime(inputs.now));
  return {
    layout,
    addresses,
    specs: specs.map((spec) => addressed(spec, layout, addresses.get(spec.name))),
    ...(kept.size === 0 && inputs.record?.leases === undefined ? {} : { leases: kept }),
  };
}

/** Where the environment's own containers are found on its network, by name. */
function foundAddresses(
  layout: NetworkLayout,
  observed: readonly ObservedContainer[],
): Map<string, RecordedAddress> {
  const found = new Map<string, RecordedAddress>();
  for (const container of observed) {
    if (!isManaged(container) || container.labels[LABELS.environment] !== layout.environment)
      continue;
    const joined = container.networks?.find((n) => n.name === layout.network);
    if (joined?.ipv4 === undefined || joined.macAddress === undefined) continue;
    found.set(managedName(container), { ip: joined.ipv4, mac: joined.macAddress.toLowerCase() });
  }
  return found;
}

function addressed(
  spec: ContainerSpec,
  layout: NetworkLayout,
  allocation: Allocation | undefined,
): ContainerSpec {
  if (allocation === undefined) return spec;
  const placed: ContainerSpec = {
    ...spec,
    ipaddress: `${allocation.ip}/${String(layout.subnet.prefix)}`,
    macAddress: allocation.mac,
    gateway: layout.gateway,
    ...(layout.driver === 'ovs'
      ? {
          wiring: {
            bridge: layout.bridge,
            port: portName(layout.environment, spec.name),
            mtu: layout.mtu,
            // The seed's flow: a container the file gives no address asks for one by DHCP.
            dhcp: spec.ipaddress === undefined,
          },
        }
      : { network: layout.network }),
  };
  if (spec.service !== DNS_SERVICE) return placed;
  // dnsmasq answers for the domain and pins every MAC to its address (a static DHCP range:
  // only known MACs get a lease). Its own DNS is Docker's, which forwards other names upstream.
  delete placed.dns;
  return {
    ...placed,
    env: {
      DOCKSTACK_DOMAIN: spec.domain,
      DOCKSTACK_DHCP_RANGE: `${layout.subnet.ip},static,${netmask(layout.subnet.prefix)}`,
      DOCKSTACK_DHCP_ROUTER: layout.gateway,
    },
    capAdd: ['NET_ADMIN'],
  };
}

function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => String((bits >>> shift) & 0xff)).join('.');
}
