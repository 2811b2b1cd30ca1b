import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { LABELS } from '../plan/labels.js';
import { isManaged, managedName, type ObservedContainer } from '../plan/observed.js';
import { readAddressRecord, type RecordedAddress } from './address-record.js';
import { allocateAddresses, type Allocation } from './allocate-addresses.js';
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
}

/**
 * The environment's containers with their addresses (pure): static, else recorded in `record`
 * (the `dnsmasq/dhcp-hosts` text of the last write-back), else where the container is found on
 * the environment's network (`observed`: a record lost or not written yet), else new. See
 * allocateAddresses. `layout` is the environment's networkLayout, when the caller has it already.
 */
export function addressEnvironment(
  env: Environment,
  record: string | undefined,
  observed: readonly ObservedContainer[] = [],
  layout: NetworkLayout | undefined = networkLayout(env),
): AddressedEnvironment {
  const specs = containerSpecs(env);
  if (layout === undefined) return { addresses: new Map(), specs };
  const reserved = env.common.vip === undefined ? [] : [env.common.vip];
  const remembered = readAddressRecord(record);
  for (const [name, address] of foundAddresses(layout, observed)) {
    if (!remembered.has(name)) remembered.set(name, address);
  }
  const addresses = allocateAddresses(
    specs,
    { subnet: layout.subnet, gateway: layout.gateway, reserved, salt: layout.environment },
    remembered,
  );
  return {
    layout,
    addresses,
    specs: specs.map((spec) => addressed(spec, layout, addresses.get(spec.name))),
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
