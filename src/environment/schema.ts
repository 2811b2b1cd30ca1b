/**
 * The environment file's schema: the single source of truth for its shape.
 *
 * The seed's format (`common`, `registered_services`, `services`) is accepted unchanged; everything
 * else here is an optional extension. Cross-field rules (unique names, addresses inside their subnet,
 * hosts that resolve, ...) live in `check-semantics.ts`, which runs on the value this schema returns.
 * `schema/environment.schema.json` is generated from this file (`npm run schema`).
 */
import { z } from 'zod';

import {
  DNS_NAME,
  DOCKER_DIGEST,
  DOCKER_TAG,
  FREE_TEXT,
  IPV4,
  IPV4_CIDR,
  MAC_ADDRESS,
  RFC1123_LABEL,
  isWellFormed,
  REGISTRY,
} from './patterns.js';
import { VolumeEntry } from './volume-entry.js';
import { SECRET_NAME_PARTS, secretNameList } from './secret-name-parts.js';

const label = (what: string) =>
  z
    .string()
    .regex(
      RFC1123_LABEL,
      `${what} must be an RFC 1123 label: a-z, 0-9 and '-', 63 at most, no leading or trailing '-'`,
    )
    .describe(`${what}: an RFC 1123 label (lowercase letters, digits, '-')`);

export const ServiceName = label('a service name');
export const ContainerName = label('a container name');

export const Ipv4 = z.string().regex(IPV4, 'expected an IPv4 address such as 10.0.0.1');
export const Ipv4Cidr = z
  .string()
  .regex(IPV4_CIDR, 'expected an IPv4 address with its prefix length, such as 10.0.0.1/16');
export const MacAddress = z
  .string()
  .regex(
    MAC_ADDRESS,
    'expected a MAC address of six hex pairs separated by colons, such as de:ad:be:ef:ba:11',
  );
export const DnsName = z
  .string()
  .max(253)
  .regex(DNS_NAME, 'expected a DNS name of RFC 1123 labels separated by dots, such as endor.lab');

/**
 * Text for a password, a user name or a parameter: any printable characters, quoted wherever it
 * is written; no control characters (a newline, a tab, NUL, ESC, ...) and valid Unicode.
 */
export const FreeText = z
  .string()
  .regex(FREE_TEXT, {
    message: 'expected text without control characters (newline, tab, NUL, ESC, ...)',
    abort: true,
  })
  .refine(isWellFormed, {
    message: 'expected valid Unicode text, with no half of a surrogate pair on its own',
    params: {
      hint: 'write the character itself, or both halves of its pair, as in "\\ud83d\\ude00"',
    },
  });

/** A password, token or user name: written as a string so YAML keeps it whole. */
const Secret = FreeText;

export const Common = z
  .strictObject({
    dnsServer: Ipv4.describe('address every container uses as its DNS server (the dns service)'),
    domain: DnsName.describe('DNS domain of the containers; node names are NAME.DOMAIN'),
    puppetServer: DnsName.optional().describe(
      'DNS name of the puppet server (a container name gets the domain appended)',
    ),
    vip: Ipv4.optional().describe('virtual IP held by keepalived on the haproxy containers'),
    vip_mask: z.int().min(0).max(32).optional().describe('prefix length of the VIP'),
    vip_name: DnsName.optional().describe(
      'DNS name of the VIP (dnsmasq answers it when it is a DNS label)',
    ),
    galera_password: Secret.optional(),
    haproxy_password: Secret.optional(),
    haproxy_user: Secret.refine((user) => !user.includes(':'), {
      message: "expected a user name without ':' (HAProxy's statistics read USER:PASSWORD)",
      params: { hint: "choose a user name without ':'" },
    })
      .optional()
      .describe("user of HAProxy's statistics and admin actions, with haproxy_password"),
    keystone_admin_password: Secret.optional(),
    keystone_admin_tenant: Secret.optional(),
    keystone_admin_token: Secret.optional(),
    keystone_admin_user: Secret.optional(),
    parameters: z
      .record(FreeText.min(1), z.union([FreeText, z.number(), z.boolean()]))
      .optional()
      .describe(
        `further settings for the Puppet modules, passed through as they are; a name holding ${secretNameList('or')} (any case) is secret and left out of site.pp, unless public_parameters lists it`,
      ),
    public_parameters: z
      .array(FreeText.min(1))
      .optional()
      .describe(
        'names of parameters that look secret but are not: they are rendered into site.pp like the others',
      ),
  })
  .describe('settings shared by every container, read by the Puppet modules');

export const ContainerState = z.enum(['running', 'stopped']);

export const Container = z
  .strictObject({
    host: z.string().min(1).describe('Docker host: a key of `hosts`, an IP address or a hostname'),
    ipaddress: Ipv4Cidr.optional().describe('static address with prefix length, e.g. 10.0.0.1/16'),
    gateway: Ipv4.optional().describe('default gateway, inside the subnet of ipaddress'),
    macAddress: MacAddress.optional().describe('static MAC address (unicast)'),
    state: ContainerState.optional().describe('running (the default) or stopped'),
    tag: z
      .string()
      .regex(DOCKER_TAG, 'expected a Docker image tag such as 2.1 or latest')
      .optional()
      .describe('image tag; the image name is the service name'),
    digest: z
      .string()
      .regex(DOCKER_DIGEST, 'expected an image digest such as sha256:<64 hex digits>')
      .optional()
      .describe('image digest, pinning the exact image'),
    volumes: z
      .array(VolumeEntry)
      .optional()
      .describe(
        "what the container mounts, beside the named volumes dockstack gives the data folders its image declares; an entry here for the same path replaces the service's",
      ),
  })
  .describe('one container of a service');

export const Service = z
  .record(ContainerName, Container)
  .nullable()
  .describe('the containers of a service, by name');

export const TlsFiles = z.strictObject({
  ca: z.string().min(1).describe('path of the CA certificate (PEM)'),
  cert: z.string().min(1).describe('path of the client certificate (PEM)'),
  key: z.string().min(1).describe('path of the client key (PEM)'),
});

export const HostEndpoint = z
  .strictObject({
    docker: z
      .string()
      .regex(
        /^(unix:\/\/\/[^\s]+|tcp:\/\/[^\s/]+|ssh:\/\/[^\s/]+)$/,
        'expected unix:///path, tcp://HOST:PORT or ssh://USER@HOST',
      )
      .describe('Docker Engine API endpoint'),
    tls: TlsFiles.optional().describe('TLS client files for a tcp:// endpoint'),
    network: z
      .string()
      .regex(
        /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/,
        'expected a Docker network name such as bridge or none',
      )
      .optional()
      .describe(
        'Docker network the containers on this host join, for an environment without a network of its own (default bridge)',
      ),
    address: Ipv4.optional().describe(
      'the address the other hosts reach this one at, for the tunnels of the environment network (default: the host key, or the tcp endpoint, when it is an address)',
    ),
  })
  .describe('how to reach one Docker host');

export const NetworkSettings = z
  .strictObject({
    driver: z
      .enum(['bridge', 'ovs'])
      .optional()
      .describe(
        'bridge (default): a Docker bridge network per host, linked by VXLAN; ovs: an Open vSwitch bridge per host, a veth pair per container, VxLAN between hosts',
      ),
    subnet: Ipv4Cidr.optional().describe(
      "the environment's subnet, e.g. 10.0.0.0/16 (default: the subnet of the containers' static addresses)",
    ),
    gateway: Ipv4.optional().describe(
      "the subnet's gateway (default: the gateway the containers name, else the subnet's last address)",
    ),
    mtu: z
      .int()
      .min(576)
      .max(9000)
      .optional()
      .describe('MTU of the network, leaving room for the 50-byte VXLAN header (default 1450)'),
    vni: z
      .int()
      .min(1)
      .max(16_777_215)
      .optional()
      .describe('VXLAN network identifier between the hosts (default: derived from the name)'),
  })
  .describe(
    "one network for the environment's containers across its hosts: every container keeps its address and MAC, and dnsmasq gives it a name",
  );

export const ExternalNode = z
  .strictObject({
    ipaddress: Ipv4Cidr.optional(),
    macAddress: MacAddress.optional(),
  })
  .nullable()
  .describe('a node dockstack does not run (a compute node, say): rendered into site.pp only');

export const Environment = z
  .strictObject({
    name: z
      .string()
      .regex(RFC1123_LABEL, 'the environment name must be an RFC 1123 label, such as prod or endor')
      .optional()
      .describe(
        "the environment's name (default: default): dockstack changes only containers labelled with it, so several environments can share hosts",
      ),
    common: Common,
    registered_services: z
      .record(ServiceName, z.array(ContainerName).nullable())
      .nullable()
      .optional()
      .describe('what runs now, per service: written back by dockstack'),
    services: z.record(ServiceName, Service).describe('the desired containers, per service'),
    hosts: z
      .record(z.string().min(1), HostEndpoint)
      .optional()
      .describe(
        'Docker endpoint per host value used in services; default tcp://HOST:2376 with TLS',
      ),
    order: z
      .array(ServiceName)
      .optional()
      .describe('tier order of the services, replacing the default dns, puppet, haproxy, ...'),
    external: z
      .record(ServiceName, z.record(ContainerName, ExternalNode).nullable())
      .optional()
      .describe('nodes outside dockstack (by role), rendered into site.pp but never run'),
    registry: z
      .string()
      .regex(REGISTRY, 'expected a registry address such as registry.example:5000')
      .optional()
      .describe('registry that images are pulled from when a host lacks them'),
    network: NetworkSettings.optional(),
    volumes: z
      .record(ServiceName, z.array(VolumeEntry))
      .optional()
      .describe(
        'what every container of a service mounts, by service (a named volume per container, or a folder of its host)',
      ),
  })
  .describe('a dockstack environment: which containers run on which Docker hosts');

export type Common = z.infer<typeof Common>;
export type Container = z.infer<typeof Container>;
export type ContainerState = z.infer<typeof ContainerState>;
export type HostEndpoint = z.infer<typeof HostEndpoint>;
export type NetworkSettings = z.infer<typeof NetworkSettings>;
export type ExternalNode = z.infer<typeof ExternalNode>;
export type Environment = z.infer<typeof Environment>;

/** Fields of `common` that hold secrets: never rendered, logged or reported. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'galera_password',
  'haproxy_password',
  'keystone_admin_password',
  'keystone_admin_token',
]);

/** Fields of `common` that are not secret, whatever their names: the Puppet modules read them. */
export const PUBLIC_COMMON_KEYS: ReadonlySet<string> = new Set(
  Object.keys(Common.shape).filter((key) => !SECRET_KEYS.has(key)),
);

const SECRET_NAME = new RegExp(SECRET_NAME_PARTS.join('|'), 'i');
const NONE: ReadonlySet<string> = new Set();

/**
 * True for a key of `common` or of `common.parameters` whose value must stay out of every output
 * (rendered files, logs, error messages): one of SECRET_KEYS always, any other name holding one
 * of SECRET_NAME_PARTS unless `publicKeys` lists it (PUBLIC_COMMON_KEYS for the fields of
 * `common`, the file's `public_parameters` for parameters).
 */
export function isSecretKey(key: string, publicKeys: ReadonlySet<string> = NONE): boolean {
  return SECRET_KEYS.has(key) || (SECRET_NAME.test(key) && !publicKeys.has(key));
}
