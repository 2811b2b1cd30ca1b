import { describe, expect, it } from 'vitest';

import type { Environment } from '../environment/schema.js';
import { describeEndpoint, EndpointError, resolveEndpoint } from './host-endpoint.js';

const hosts: Environment['hosts'] = {
  local: { docker: 'unix:///var/run/docker.sock' },
  h2: { docker: 'tcp://10.200.0.2:2375' },
  bare: { docker: 'tcp://10.200.0.3' },
  secure: {
    docker: 'tcp://docker1.endor.lab:12376',
    tls: { ca: '/etc/ds/ca.pem', cert: '/etc/ds/cert.pem', key: '/etc/ds/key.pem' },
  },
  secureDefault: {
    docker: 'tcp://docker2.endor.lab',
    tls: { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' },
  },
  v6: { docker: 'tcp://[fd00::2]:2375' },
  remote: { docker: 'ssh://deploy@docker3.endor.lab' },
  remotePort: { docker: 'ssh://docker4.endor.lab:2222' },
  withPassword: { docker: 'ssh://deploy:hunter2@docker5.endor.lab' },
  '192.168.99.2': { docker: 'unix:///run/ds-h2.sock' },
};

describe('resolveEndpoint', () => {
  it('takes a unix socket from hosts:', () => {
    expect(resolveEndpoint('local', hosts, {})).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('takes a plain tcp endpoint from hosts:, port 2375 when none is given', () => {
    expect(resolveEndpoint('h2', hosts, {})).toEqual({
      kind: 'tcp',
      host: '10.200.0.2',
      port: 2375,
    });
    expect(resolveEndpoint('bare', hosts, {})).toEqual({
      kind: 'tcp',
      host: '10.200.0.3',
      port: 2375,
    });
  });

  it('takes a tcp endpoint with TLS files from hosts:, port 2376 when none is given', () => {
    expect(resolveEndpoint('secure', hosts, {}, { tlsDir: '/etc/ds' })).toEqual({
      kind: 'tcp',
      host: 'docker1.endor.lab',
      port: 12376,
      tls: {
        ca: '/etc/ds/ca.pem',
        cert: '/etc/ds/cert.pem',
        key: '/etc/ds/key.pem',
        folder: '/etc/ds',
      },
    });
    expect(resolveEndpoint('secureDefault', hosts, {}, { tlsDir: '/etc/ds' })).toMatchObject({
      port: 2376,
    });
  });

  it("reads a host's tls: files only from the TLS folder the operator names", () => {
    // Relative paths are taken from the folder; DOCKSTACK_TLS_DIR names it when no flag does.
    expect(resolveEndpoint('secureDefault', hosts, { DOCKSTACK_TLS_DIR: '/srv/tls/' })).toEqual({
      kind: 'tcp',
      host: 'docker2.endor.lab',
      port: 2376,
      tls: {
        ca: '/srv/tls/ca.pem',
        cert: '/srv/tls/cert.pem',
        key: '/srv/tls/key.pem',
        folder: '/srv/tls',
      },
    });
    const refusal = (entry: NonNullable<Environment['hosts']>[string], tlsDir?: string) => {
      try {
        resolveEndpoint('x', { x: entry }, {}, tlsDir === undefined ? {} : { tlsDir });
      } catch (error) {
        expect(error).toBeInstanceOf(EndpointError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal(hosts.secure ?? { docker: '' })).toBe(
      'host x names tls: files, which are read only from the TLS folder the operator names: ' +
        'give --tls-dir DIR (or DOCKSTACK_TLS_DIR) with its ca, cert and key in it',
    );
    // Outside the folder, existing or not, the answer is the same: decided on the text alone.
    for (const outside of ['/etc/passwd', '/no/such/file', '../ca.pem', 'a/../../ca.pem']) {
      expect(
        refusal(
          { docker: 'tcp://d:2376', tls: { ca: outside, cert: 'cert.pem', key: 'key.pem' } },
          '/srv/tls',
        ),
      ).toBe(
        'the tls ca of host x is outside the TLS folder: name a file in it, relative to it (ca.pem)',
      );
    }
  });

  it('strips the brackets of an IPv6 address', () => {
    expect(resolveEndpoint('v6', hosts, {})).toEqual({ kind: 'tcp', host: 'fd00::2', port: 2375 });
  });

  it('takes an ssh endpoint with its user, and the agent from SSH_AUTH_SOCK', () => {
    expect(resolveEndpoint('remote', hosts, { SSH_AUTH_SOCK: '/tmp/agent.sock' })).toEqual({
      kind: 'ssh',
      host: 'docker3.endor.lab',
      port: 22,
      username: 'deploy',
      agentSocket: '/tmp/agent.sock',
    });
    expect(resolveEndpoint('remotePort', hosts, {})).toEqual({
      kind: 'ssh',
      host: 'docker4.endor.lab',
      port: 2222,
    });
  });

  it('refuses a password in an ssh endpoint without repeating it', () => {
    const attempt = () => resolveEndpoint('withPassword', hosts, {});
    expect(attempt).toThrow(EndpointError);
    expect(attempt).toThrow(/SSH agent/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('lets the hosts: entry win over DOCKER_CERT_PATH', () => {
    expect(resolveEndpoint('192.168.99.2', hosts, { DOCKER_CERT_PATH: '/certs' })).toEqual({
      kind: 'unix',
      socketPath: '/run/ds-h2.sock',
    });
  });

  it('defaults to tcp://HOST:2376 with the TLS files in DOCKER_CERT_PATH', () => {
    expect(resolveEndpoint('192.168.99.7', hosts, { DOCKER_CERT_PATH: '/root/.docker' })).toEqual({
      kind: 'tcp',
      host: '192.168.99.7',
      port: 2376,
      tls: {
        ca: '/root/.docker/ca.pem',
        cert: '/root/.docker/cert.pem',
        key: '/root/.docker/key.pem',
      },
    });
    expect(resolveEndpoint('docker9', undefined, { DOCKER_CERT_PATH: '/c' })).toMatchObject({
      host: 'docker9',
      port: 2376,
    });
  });

  it('says how to fix a host with no entry when DOCKER_CERT_PATH is unset or empty', () => {
    for (const env of [{}, { DOCKER_CERT_PATH: '' }]) {
      let error: unknown;
      try {
        resolveEndpoint('192.168.99.7', hosts, env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(EndpointError);
      expect(error).toMatchObject({ host: '192.168.99.7' });
      expect((error as Error).message).toMatch(/add it under hosts:/);
      expect((error as Error).message).toMatch(/set DOCKER_CERT_PATH/);
    }
  });

  it('does not take inherited keys of hosts: for entries', () => {
    expect(() => resolveEndpoint('constructor', {}, {})).toThrow(EndpointError);
  });
});

describe('describeEndpoint', () => {
  it('writes each kind as a URL without secrets', () => {
    expect(describeEndpoint({ kind: 'unix', socketPath: '/run/x.sock' })).toBe(
      'unix:///run/x.sock',
    );
    expect(
      describeEndpoint({
        kind: 'tcp',
        host: 'fd00::2',
        port: 2376,
        tls: { ca: 'a', cert: 'b', key: 'c' },
      }),
    ).toBe('tcp://[fd00::2]:2376 (TLS)');
    expect(
      describeEndpoint({
        kind: 'ssh',
        host: 'h',
        port: 22,
        username: 'u',
        agentSocket: '/tmp/agent',
      }),
    ).toBe('ssh://u@h:22');
  });
});
