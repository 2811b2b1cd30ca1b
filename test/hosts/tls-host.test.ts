import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import { resolveEndpoint, type Endpoint, type TcpEndpoint } from '../../src/hosts/host-endpoint.js';
import { HostError } from '../../src/hosts/host-error.js';
import { LOCAL } from '../testbed/docker-testbed.js';
import { makeTestPki, type TestPki } from '../testbed/tls-files.js';
import { startTlsProxy, type TlsProxy } from '../testbed/tls-proxy.js';
import { useTestbed } from '../testbed/use-testbed.js';

const ENGINE_SOCKET = LOCAL.kind === 'unix' ? LOCAL.socketPath : '/var/run/docker.sock';

describe('a Docker host reached over TLS', () => {
  let pki: TestPki;
  let stranger: TestPki;
  let proxy: TlsProxy;
  const made: string[] = [];

  useTestbed({
    setup: async () => {
      pki = makeTestPki('trusted');
      made.push(pki.dir);
      stranger = makeTestPki('stranger');
      made.push(stranger.dir);
      proxy = await startTlsProxy(pki, ENGINE_SOCKET);
    },
    teardown: async () => {
      await (proxy as TlsProxy | undefined)?.close();
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
    },
  });

  /** The endpoint of a hosts: entry; the PKIs lie under the system's temporary folder. */
  function tlsEndpoint(files: { ca: string; cert: string; key: string }): Endpoint {
    return resolveEndpoint(
      'secure',
      { secure: { docker: `tcp://127.0.0.1:${String(proxy.port)}`, tls: files } },
      {},
      { tlsDir: tmpdir() },
    );
  }

  async function failure(attempt: Promise<unknown>): Promise<HostError> {
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }

  function expectNoSecret(message: string, files: TestPki): void {
    const key = readFileSync(files.clientKey, 'utf8');
    const keyBody = key.split('\n').find((line) => line.length > 40) ?? key;
    expect(message).not.toContain('PRIVATE KEY');
    expect(message).not.toContain(keyBody);
  }

  it('talks to the engine with the files of a hosts: entry', async () => {
    const host = createDockerodeHost(
      'secure',
      tlsEndpoint({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }),
    );
    try {
      expect(await host.inspectImage('dns:latest')).toBeDefined();
      expect(Array.isArray(await host.listContainers())).toBe(true);
    } finally {
      host.close();
    }
  });

  it('talks to the engine with ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH', async () => {
    const byDefault = resolveEndpoint('127.0.0.1', undefined, { DOCKER_CERT_PATH: pki.dir });
    expect(byDefault).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2376,
      tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    });
    const viaProxy = { ...(byDefault as TcpEndpoint), port: proxy.port };
    const host = createDockerodeHost('127.0.0.1', viaProxy);
    try {
      expect(await host.inspectImage('dns:latest')).toBeDefined();
    } finally {
      host.close();
    }
  });

  it('refuses a server whose certificate another CA signed, without leaking the key', async () => {
    const host = createDockerodeHost(
      'secure',
      tlsEndpoint({ ca: stranger.ca, cert: stranger.clientCert, key: stranger.clientKey }),
    );
    try {
      const refused = await failure(host.listContainers());
      expect(refused.kind).toBe('unreachable');
      expect(refused.message).toMatch(/^Docker host secure \(tcp:\/\/127\.0\.0\.1:\d+ \(TLS\)\)/);
      expectNoSecret(refused.message, stranger);
    } finally {
      host.close();
    }
  });

  it('is refused by a server that does not trust its client certificate', async () => {
    const host = createDockerodeHost(
      'secure',
      tlsEndpoint({ ca: pki.ca, cert: stranger.clientCert, key: stranger.clientKey }),
    );
    try {
      const refused = await failure(host.listContainers());
      expect(refused.kind).toBe('unreachable');
      expectNoSecret(refused.message, stranger);
    } finally {
      host.close();
    }
  });

  it('fails every call, sending nothing, when a TLS file cannot be read', async () => {
    const requests: HostRequest[] = [];
    const missing = path.join(pki.dir, 'no-such-ca.pem');
    const host = createDockerodeHost(
      'secure',
      tlsEndpoint({ ca: missing, cert: pki.clientCert, key: pki.clientKey }),
      { onRequest: (request) => requests.push(request) },
    );
    try {
      const unreadable = await failure(host.listContainers());
      expect(unreadable.kind).toBe('unreachable');
      expect(unreadable.message).toContain(missing);
      expect((await failure(host.inspectImage('dns:latest'))).kind).toBe('unreachable');
      expect(requests).toEqual([]);
    } finally {
      host.close();
    }
  });
});
