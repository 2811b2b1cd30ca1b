import { describe, expect, it } from 'vitest';

import { FakeDockerHost } from '../../test/fakes/fake-docker-host.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { DNSMASQ_LABEL, serveDns } from './serve-dns.js';

function setup() {
  const host = new FakeDockerHost('h1');
  const labels = { [LABELS.managed]: 'true', [DNSMASQ_LABEL]: 'dnsmasq' };
  const dns1 = host.add({ name: 'dns1', image: 'dns:real', running: true, labels });
  const standIn = host.add({
    name: 'dns2',
    image: 'dns:latest',
    running: true,
    labels: { [LABELS.managed]: 'true' },
  });
  const stopped = host.add({ name: 'dns3', image: 'dns:real', running: false, labels });
  return { host, hosts: new Map([['h1', host]]), dns1, labels, standIn, stopped };
}

const data = {
  hosts: '10.0.0.1 dns1.endor.lab dns1\n',
  dhcpHosts: 'de:ad:be:ef:ba:11,dns1,10.0.0.1\n',
};

describe('serveDns', () => {
  it('uploads both files into the running dnsmasq containers, then sends SIGHUP', async () => {
    const { host, hosts } = setup();
    const served = await serveDns(hosts, await host.listContainers(), data, new Map());
    expect(served).toEqual([expect.objectContaining({ name: 'dns1', outcome: 'served' })]);
    expect(host.writes()).toEqual([
      'upload dns1 /etc/dockstack dnsmasq/hosts dnsmasq/dhcp-hosts',
      'signal dns1 HUP',
    ]);
  });

  it('sends nothing again for the same data, and everything to a recreated container', async () => {
    const { host, hosts, dns1, labels } = setup();
    const memory = new Map<string, string>();
    await serveDns(hosts, await host.listContainers(), data, memory);
    host.calls.length = 0;
    expect(await serveDns(hosts, await host.listContainers(), data, memory)).toEqual([]);
    expect(host.writes()).toEqual([]);

    host.containers.delete(dns1);
    host.add({ name: 'dns1', image: 'dns:real', running: true, labels });
    const again = await serveDns(hosts, await host.listContainers(), data, memory);
    expect(again.map((s) => s.outcome)).toEqual(['served']);
    expect(memory.size).toBe(1);
  });

  it('sends changed data again', async () => {
    const { host, hosts } = setup();
    const memory = new Map<string, string>();
    await serveDns(hosts, await host.listContainers(), data, memory);
    const more = { ...data, hosts: `${data.hosts}10.0.0.3 gal1.endor.lab gal1\n` };
    const served = await serveDns(hosts, await host.listContainers(), more, memory);
    expect(served.map((s) => s.name)).toEqual(['dns1']);
  });
});
