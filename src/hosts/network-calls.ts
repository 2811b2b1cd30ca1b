import type Docker from 'dockerode';

import type { CallSpec, EngineCaller } from './engine-caller.js';
import { dialEngine } from './dial-engine.js';
import { HostError } from './host-error.js';
import {
  BRIDGE_NAME_OPTION,
  MTU_OPTION,
  type NetworkAttachment,
  type NetworkSpec,
  type ObservedNetwork,
} from './network-spec.js';
import { statusCodeOf } from './to-host-error.js';

/** The first Engine API version that sets a MAC address given when joining a network. */
const ENDPOINT_MAC_API = [1, 44] as const;

/** The network calls of one Docker host: list, create, remove, connect, disconnect. */
export class NetworkCalls {
  private apiVersion: Promise<string> | undefined;

  constructor(private readonly caller: EngineCaller) {}

  async list(): Promise<ObservedNetwork[]> {
    const found = await this.caller.call(
      { method: 'networks', action: 'list networks' },
      (docker, abortSignal) => docker.listNetworks({ abortSignal }),
    );
    return found.map(observedNetwork);
  }

  async create(spec: NetworkSpec): Promise<string> {
    const options: Record<string, string> = { ...spec.options };
    if (spec.bridgeName !== undefined) options[BRIDGE_NAME_OPTION] = spec.bridgeName;
    if (spec.mtu !== undefined) options[MTU_OPTION] = String(spec.mtu);
    const created = await this.caller.call(
      { method: 'network', action: `create network ${spec.name}` },
      (docker, abortSignal) =>
        docker.createNetwork({
          Name: spec.name,
          Driver: 'bridge',
          CheckDuplicate: true,
          IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
          Options: options,
          Labels: { ...spec.labels },
          abortSignal,
        }),
    );
    return created.id;
  }

  /** Removing an absent network succeeds; one with containers on it is a conflict. */
  async remove(idOrName: string): Promise<void> {
    await this.caller.idempotent(
      [404],
      { method: 'network', action: `remove network ${idOrName}`, forbidden: 'conflict' },
      (docker, abortSignal) => docker.getNetwork(idOrName).remove({ abortSignal }),
    );
  }

  async connect(
    network: string,
    containerId: string,
    attachment: NetworkAttachment = {},
  ): Promise<void> {
    const action = `connect container ${containerId} to network ${network}`;
    const { ipv4, macAddress } = attachment;
    if (macAddress !== undefined) await this.assertMacHonoured(network, containerId, macAddress);
    const endpoint: Docker.EndpointSettings = {};
    if (ipv4 !== undefined) endpoint.IPAMConfig = { IPv4Address: ipv4 };
    if (macAddress !== undefined) endpoint.MacAddress = macAddress;
    await this.caller.call(
      { method: 'network', action, forbidden: 'conflict' },
      (docker, abortSignal) =>
        dialEngine(docker, {
          path: `/networks/${encodeURIComponent(network)}/connect`,
          method: 'POST',
          options: { Container: containerId, EndpointConfig: endpoint },
          abortSignal,
          statusCodes: { 200: true, 403: 'forbidden', 404: 'not found', 500: 'server error' },
        }),
    );
  }

  /** A container not on the network (or an absent container or network) counts as done. */
  async disconnect(network: string, containerId: string): Promise<void> {
    const spec: CallSpec = {
      method: 'network',
      action: `disconnect container ${containerId} from network ${network}`,
    };
    await this.caller.call(spec, async (docker, abortSignal) => {
      try {
        await dialEngine(docker, {
          path: `/networks/${encodeURIComponent(network)}/disconnect`,
          method: 'POST',
          options: { Container: containerId, Force: false },
          abortSignal,
          statusCodes: { 200: true, 403: 'forbidden', 404: 'not found', 500: 'server error' },
        });
      } catch (error) {
        if (statusCodeOf(error) === 404 || notConnected(error)) return;
        throw error;
      }
    });
  }

  /**
   * Engines before API 1.44 ignore a MAC address given when joining a network: they set the
   * container's own MAC (`MacAddress` of its create request) on the network it was created on.
   * Throws when the MAC would not be honoured, before anything changes.
   */
  private async assertMacHonoured(network: string, containerId: string, mac: string) {
    const info = await this.caller.call(
      { method: 'inspect', action: `inspect container ${containerId}` },
      (docker, abortSignal) => docker.getContainer(containerId).inspect({ abortSignal }),
    );
    const ownMac = (info.Config as { MacAddress?: string }).MacAddress ?? '';
    const own = info.HostConfig.NetworkMode === network && sameMac(ownMac, mac);
    if (own) return;
    const version = await this.version();
    if (!before(version, ENDPOINT_MAC_API)) return;
    throw new HostError(
      this.caller.host,
      'engine',
      `Docker host ${this.caller.host} could not connect container ${containerId} to network ` +
        `${network} with MAC address ${mac}: its Engine API ${version} sets a MAC address only ` +
        `on the network a container was created on, from the MAC address it was created with ` +
        `(API 1.44 and later take it when joining)`,
    );
  }

  private version(): Promise<string> {
    this.apiVersion ??= this.caller
      .call({ method: 'version', action: 'read the engine version' }, (docker, abortSignal) =>
        dialEngine(docker, {
          path: '/version',
          method: 'GET',
          abortSignal,
          statusCodes: { 200: true, 500: 'server error' },
        }),
      )
      .then((info) => apiVersionOf(info));
    const pending = this.apiVersion;
    pending.catch(() => {
      if (this.apiVersion === pending) this.apiVersion = undefined;
    });
    return pending;
  }
}

/** A network as the engine lists it, in dockstack's terms. */
function observedNetwork(info: Docker.NetworkInspectInfo): ObservedNetwork {
  const options = { ...info.Options };
  const ipv4 = (info.IPAM?.Config ?? []).find((c) => c.Subnet?.includes('.') === true);
  const network: ObservedNetwork = {
    id: info.Id,
    name: info.Name,
    labels: { ...info.Labels },
    options,
  };
  if (ipv4?.Subnet !== undefined) network.subnet = ipv4.Subnet;
  if (ipv4?.Gateway !== undefined && ipv4.Gateway !== '') network.gateway = ipv4.Gateway;
  const bridgeName = options[BRIDGE_NAME_OPTION];
  if (bridgeName !== undefined) network.bridgeName = bridgeName;
  const mtu = Number(options[MTU_OPTION]);
  if (options[MTU_OPTION] !== undefined && Number.isInteger(mtu)) network.mtu = mtu;
  return network;
}

function apiVersionOf(info: unknown): string {
  const version =
    typeof info === 'object' && info !== null && 'ApiVersion' in info ? info.ApiVersion : '';
  return typeof version === 'string' ? version : '';
}

function notConnected(error: unknown): boolean {
  return error instanceof Error && /is not connected to (the )?network/i.test(error.message);
}

function sameMac(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** True when the API version `version` (`1.41`) is older than `[major, minor]`. */
function before(version: string, [major, minor]: readonly [number, number]): boolean {
  const [m = 0, n = 0] = version.split('.').map(Number);
  return m < major || (m === major && n < minor);
}
