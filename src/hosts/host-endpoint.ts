import path from 'node:path';

import type { Environment } from '../environment/schema.js';
import { pathInFolder } from './read-tls-file.js';

/** Paths of the PEM files of a TLS client. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
  /**
   * The folder the files must lie in, links resolved: the operator's TLS folder, for the files a
   * `hosts:` entry names. Absent for DOCKER_CERT_PATH's, which the operator names directly.
   */
  folder?: string;
}

/** Where an endpoint's files come from: the operator's settings, beside the environment file. */
export interface EndpointOptions {
  /**
   * The TLS folder (`--tls-dir`; else DOCKSTACK_TLS_DIR): the only place the `tls:` files of a
   * `hosts:` entry are read from, relative to it. Without one, a `tls:` entry is refused.
   */
  tlsDir?: string;
}

export interface UnixEndpoint {
  kind: 'unix';
  socketPath: string;
}

export interface TcpEndpoint {
  kind: 'tcp';
  host: string;
  port: number;
  /** Absent: plain HTTP. */
  tls?: TlsFiles;
}

export interface SshEndpoint {
  kind: 'ssh';
  host: string;
  port: number;
  username?: string;
  /** The SSH agent's socket (`SSH_AUTH_SOCK`), which holds the key to log in with. */
  agentSocket?: string;
}

/** Where a Docker host's Engine API answers, and how to talk to it. */
export type Endpoint = UnixEndpoint | TcpEndpoint | SshEndpoint;

/** A host whose endpoint cannot be worked out from the environment file and the process env. */
export class EndpointError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

const DOCKER_TLS_PORT = 2376;
const DOCKER_PLAIN_PORT = 2375;
const SSH_PORT = 22;

/**
 * The endpoint of `host` (a `services.*.*.host` value). Its entry in `hosts:` wins; otherwise the
 * host is reached at tcp://HOST:2376 with TLS, from ca.pem, cert.pem and key.pem in
 * DOCKER_CERT_PATH. Throws EndpointError when neither applies or the entry cannot be read.
 */
export function resolveEndpoint(
  host: string,
  hosts: Environment['hosts'],
  env: NodeJS.ProcessEnv,
  options: EndpointOptions = {},
): Endpoint {
  const entry = hosts !== undefined && Object.hasOwn(hosts, host) ? hosts[host] : undefined;
  if (entry !== undefined) {
    const tlsDir = options.tlsDir ?? env.DOCKSTACK_TLS_DIR;
    const tls =
      entry.tls === undefined ? undefined : tlsInFolder(host, entry.tls, tlsDir || undefined);
    return parseDocker(host, entry.docker, tls, env);
  }

  const certPath = env.DOCKER_CERT_PATH;
  if (certPath === undefined || certPath === '') {
    throw new EndpointError(
      host,
      `no way to reach Docker host ${host}: it has no entry under hosts: and DOCKER_CERT_PATH is ` +
        `not set; add it under hosts: with its docker endpoint (unix:///..., tcp://HOST:PORT or ` +
        `ssh://USER@HOST), or set DOCKER_CERT_PATH to a folder holding ca.pem, cert.pem and ` +
        `key.pem to reach it at tcp://${host}:${DOCKER_TLS_PORT}`,
    );
  }
  return { kind: 'tcp', host, port: DOCKER_TLS_PORT, tls: certFiles(certPath) };
}

function parseDocker(
  host: string,
  docker: string,
  tls: TlsFiles | undefined,
  env: NodeJS.ProcessEnv,
): Endpoint {
  if (docker.startsWith('unix://')) return { kind: 'unix', socketPath: docker.slice(7) };

  let url: URL;
  try {
    url = new URL(docker);
  } catch {
    throw new EndpointError(host, `the docker endpoint of host ${host} is not a valid URL`);
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') {
    throw new EndpointError(host, `the docker endpoint of host ${host} names no host`);
  }
  if (url.protocol === 'tcp:') {
    const port = portOf(url, tls === undefined ? DOCKER_PLAIN_PORT : DOCKER_TLS_PORT);
    return tls === undefined
      ? { kind: 'tcp', host: hostname, port }
      : { kind: 'tcp', host: hostname, port, tls };
  }
  if (url.protocol === 'ssh:') {
    if (url.password !== '') {
      throw new EndpointError(
        host,
        `the docker endpoint of host ${host} carries a password: remove it and log in with a ` +
          `key held by the SSH agent (SSH_AUTH_SOCK)`,
      );
    }
    const endpoint: SshEndpoint = { kind: 'ssh', host: hostname, port: portOf(url, SSH_PORT) };
    if (url.username !== '') endpoint.username = decodeURIComponent(url.username);
    const agent = env.SSH_AUTH_SOCK;
    if (agent !== undefined && agent !== '') endpoint.agentSocket = agent;
    return endpoint;
  }
  throw new EndpointError(
    host,
    `the docker endpoint of host ${host} must start with unix://, tcp:// or ssh://`,
  );
}

/**
 * The `tls:` files of a host's entry inside the operator's TLS folder. A path outside it is
 * refused from its text alone: the answer tells nothing of what exists elsewhere.
 */
function tlsInFolder(
  host: string,
  tls: Omit<TlsFiles, 'folder'>,
  folder: string | undefined,
): TlsFiles {
  if (folder === undefined) {
    throw new EndpointError(
      host,
      `host ${host} names tls: files, which are read only from the TLS folder the operator ` +
        `names: give --tls-dir DIR (or DOCKSTACK_TLS_DIR) with its ca, cert and key in it`,
    );
  }
  const base = path.resolve(folder);
  const inside = (what: 'ca' | 'cert' | 'key') =>
    pathInFolder(base, tls[what]) ??
    (() => {
      throw new EndpointError(
        host,
        `the tls ${what} of host ${host} is outside the TLS folder: name a file in it, ` +
          `relative to it (ca.pem)`,
      );
    })();
  return { ca: inside('ca'), cert: inside('cert'), key: inside('key'), folder: base };
}

function portOf(url: URL, fallback: number): number {
  return url.port === '' ? fallback : Number(url.port);
}

function certFiles(folder: string): TlsFiles {
  return {
    ca: path.join(folder, 'ca.pem'),
    cert: path.join(folder, 'cert.pem'),
    key: path.join(folder, 'key.pem'),
  };
}

/** The endpoint as a URL for messages and logs; never carries a secret. */
export function describeEndpoint(endpoint: Endpoint): string {
  switch (endpoint.kind) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'tcp':
      return `tcp://${hostPort(endpoint.host, endpoint.port)}${endpoint.tls ? ' (TLS)' : ''}`;
    case 'ssh': {
      const user = endpoint.username === undefined ? '' : `${endpoint.username}@`;
      return `ssh://${user}${hostPort(endpoint.host, endpoint.port)}`;
    }
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
