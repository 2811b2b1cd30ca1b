import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../environment/load-environment.js';
import type { Environment } from '../environment/schema.js';
import { hostNames } from '../hosts/connect-hosts.js';
import { pullRequestHosts } from './pull-request-hosts.js';

function env(text: string): Environment {
  const loaded = loadEnvironment(
    `common:\n  dnsServer: 10.0.0.1\n  domain: endor.lab\nregistered_services: {}\n${text}`,
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.env;
}

const BASE = env(`services:
  dns:
    dns1: { host: local }
  webui:
    webui1: { host: h2 }
    webui2: { host: 192.168.99.7 }
hosts:
  local: { docker: 'unix:///var/run/docker.sock' }
  h2: { docker: 'tcp://10.200.0.2:2375', network: none }
`);

describe('pullRequestHosts', () => {
  it("observes every host of the base with the base's entries when the pull request keeps them", () => {
    const pull = env(`services:
  dns:
    dns1: { host: local }
  webui:
    webui3: { host: h2 }
hosts:
  local: { docker: 'unix:///var/run/docker.sock' }
  h2: { network: none, docker: 'tcp://10.200.0.2:2375' }
`);
    const split = pullRequestHosts(BASE, pull);
    expect(split.offline).toEqual([]);
    // The host without an entry is reached as the daemon's own settings say (DOCKER_CERT_PATH).
    expect(hostNames(split.connectWith ?? pull)).toEqual(['192.168.99.7', 'h2', 'local']);
    expect(split.connectWith?.hosts).toEqual(BASE.hosts);
  });

  it('plans offline a host whose entry the pull request changes, adds or removes, and a new host', () => {
    const pull = env(`services:
  dns:
    dns1: { host: local }
  webui:
    webui1: { host: h2 }
    webui2: { host: 192.168.99.7 }
    webui9: { host: elsewhere.example }
hosts:
  local: { docker: 'unix:///var/run/docker.sock' }
  h2: { docker: 'tcp://203.0.113.9:2375', tls: { ca: /etc/passwd, cert: /dev/zero, key: /proc/self/environ } }
  192.168.99.7: { docker: 'tcp://127.0.0.1:1' }
`);
    const split = pullRequestHosts(BASE, pull);
    expect(split.offline).toEqual([
      { host: '192.168.99.7', why: 'changed' },
      { host: 'elsewhere.example', why: 'new' },
      { host: 'h2', why: 'changed' },
    ]);
    expect(split.connectWith === undefined ? [] : hostNames(split.connectWith)).toEqual(['local']);
    expect(split.connectWith?.hosts).toEqual({ local: BASE.hosts?.local });
  });

  it('observes nothing without a valid base', () => {
    const pull = env(`services:\n  dns:\n    dns1: { host: local }\n`);
    expect(pullRequestHosts(undefined, pull)).toEqual({
      connectWith: undefined,
      offline: [{ host: 'local', why: 'new' }],
    });
  });
});
