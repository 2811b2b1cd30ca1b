import http from 'node:http';
import https from 'node:https';
import { inspect } from 'node:util';

import Docker from 'dockerode';

import type { Endpoint } from './host-endpoint.js';
import { readTlsFile } from './read-tls-file.js';

/** dockerode clients for one endpoint, sharing its connections, and how to release them. */
export interface EngineConnection {
  /**
   * A client whose requests are destroyed once their socket has been idle for `idleMs` (not over
   * ssh): a backstop for requests dockerode cannot abort (an image inspect ignores its signal).
   */
  client(idleMs: number): Docker;
  close(): void;
}

/**
 * Connects to `endpoint` alone: every option dockerode would otherwise take from DOCKER_HOST,
 * DOCKER_TLS_VERIFY or DOCKER_CERT_PATH is set here. TLS files are read now, once, as regular
 * files of bounded size (see readTlsFile); a file that cannot be read throws a TlsFileError.
 */
export function engineConnection(endpoint: Endpoint): EngineConnection {
  const unset = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    version: undefined,
    sshOptions: undefined,
  } as const;

  switch (endpoint.kind) {
    case 'unix': {
      const agent = quiet(new http.Agent({ keepAlive: true }));
      return connect({ ...unset, socketPath: endpoint.socketPath, protocol: 'http', agent }, agent);
    }
    case 'tcp': {
      const base = { ...unset, host: endpoint.host, port: endpoint.port };
      if (endpoint.tls === undefined) {
        const agent = quiet(new http.Agent({ keepAlive: true }));
        return connect({ ...base, protocol: 'http', agent }, agent);
      }
      const agent = quiet(new https.Agent({ keepAlive: true }));
      const { folder } = endpoint.tls;
      const tls = {
        ca: readTlsFile(endpoint.tls.ca, 'ca', folder),
        cert: readTlsFile(endpoint.tls.cert, 'cert', folder),
        key: readTlsFile(endpoint.tls.key, 'key', folder),
      };
      return connect({ ...base, ...tls, protocol: 'https', agent }, agent);
    }
    case 'ssh': {
      const sshOptions = endpoint.agentSocket === undefined ? {} : { agent: endpoint.agentSocket };
      // Over ssh a request's socket is an ssh2 channel, which has no idle timeout to set.
      return connect(
        {
          ...unset,
          host: endpoint.host,
          port: endpoint.port,
          protocol: 'ssh',
          username: endpoint.username,
          sshOptions,
        },
        undefined,
        false,
      );
    }
  }
}

type Options = Docker.DockerOptions & { agent?: http.Agent };

function connect(
  options: Options,
  agent: http.Agent | undefined,
  idleTimeout = true,
): EngineConnection {
  return {
    client: (idleMs) => new Docker({ ...options, timeout: idleTimeout ? idleMs : undefined }),
    close: () => agent?.destroy(),
  };
}

/**
 * docker-modem formats every request's options with util.inspect (all levels, hidden properties
 * included) whether or not its debug output is on; an agent holding sockets makes that the
 * largest cost of an idle daemon's checks. The agent shows as its class name instead.
 */
function quiet<A extends http.Agent>(agent: A): A {
  Object.defineProperty(agent, inspect.custom, { value: () => `[${agent.constructor.name}]` });
  return agent;
}
