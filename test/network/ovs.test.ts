import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../../src/environment/load-environment.js';
import { connectHosts } from '../../src/hosts/connect-hosts.js';
import { readAddressRecord } from '../../src/network/address-record.js';
import { networkLayout } from '../../src/network/network-layout.js';
import { SWITCH_CONTAINER } from '../../src/network/ovs-scripts.js';
import { fileRecorder } from '../../src/pass/file-recorder.js';
import { fileSource } from '../../src/pass/file-source.js';
import type { AppliedPass } from '../../src/pass/pass-result.js';
import { runPass } from '../../src/pass/run-pass.js';
import { loadRenderer } from '../../src/render/renderer.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type EngineContainer,
  type Services,
} from '../apply/apply-env.js';
import { tempDir } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  assertNetworkImages,
  execIn,
  findTestContainer,
  REAL_DNS_TAG,
  removeTestNetworks,
  removeTestVolumes,
  removeTestSwitches,
  TUNNEL_ADDRESSES,
} from './network-testbed.js';

const NAME = `net-test-${String(process.pid)}`;
const n = (short: string) => `${PREFIX}-${short}`;
const DNS = { tag: REAL_DNS_TAG, gateway: '10.0.0.100' };
/** How many times a DHCP container is removed and recreated (DOCKSTACK_ADDRESS_CYCLES to change). */
const CYCLES = Number(process.env.DOCKSTACK_ADDRESS_CYCLES ?? '10');
const CYCLE_BUDGET_MS = 60_000 + CYCLES * 30_000;
const NETWORK = { driver: 'ovs' };

/** The seed's dns pair at the file's addresses, and containers that ask for theirs by DHCP. */
const services: Services = {
  dns: {
    [n('dns1')]: {
      ...DNS,
      host: 'local',
      ipaddress: '10.0.0.1/16',
      macAddress: 'de:ad:be:ef:ba:11',
    },
    [n('dns2')]: { ...DNS, host: 'h2', ipaddress: '10.0.0.2/16', macAddress: 'de:ad:be:ef:ba:12' },
  },
  galera: { [n('gal1')]: { host: 'local' }, [n('gal2')]: { host: 'h2' } },
  webui: { [n('webui1')]: { host: 'h2' } },
};
const hosts = {
  local: { docker: 'unix:///var/run/docker.sock', address: TUNNEL_ADDRESSES.local },
  h2: { docker: 'tcp://10.200.0.2:2375', address: TUNNEL_ADDRESSES.h2 },
};

describe('the ovs driver: Open vSwitch on both engines, a veth pair per container, DHCP', () => {
  const dir = tempDir();
  const file = join(dir.path, 'environment.yaml');
  const renderer = loadRenderer();
  const dns = new Map<string, string>();
  const text = (driver = 'ovs') =>
    environmentText(services, { name: NAME, hosts, network: { ...NETWORK, driver } });
  const apply = async (): Promise<AppliedPass> => {
    const pass = await runPass(
      { goal: 'apply', source: fileSource(file), recorder: fileRecorder() },
      { connect: (env) => connectHosts(env, {}), renderer, dns },
    );
    if (pass.stage !== 'apply') throw new Error(`the pass stopped at ${pass.stage}`);
    return pass;
  };
  const failed = (pass: AppliedPass) =>
    pass.reconciliation.result.steps
      .filter((s) => s.outcome !== 'done')
      .map((s) => `${s.host} ${s.action} ${s.name}: ${s.error ?? ''}`);
  const record = () =>
    readAddressRecord(readFileSync(join(dir.path, 'dnsmasq/dhcp-hosts'), 'utf8'));
  const container = findTestContainer;
  const exec = execIn;
  /** The address and MAC of the container's eth0, as it sees them. */
  const eth0 = async (name: string) => {
    const c = await container(name);
    const { output } = await exec(c, ['busybox', 'ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    const link = await exec(c, ['busybox', 'ip', '-o', 'link', 'show', 'dev', 'eth0']);
    return {
      container: c,
      ip: /inet (\d+\.\d+\.\d+\.\d+)\//.exec(output)?.[1],
      mac: /link\/ether ([0-9a-f:]+)/.exec(link.output)?.[1],
    };
  };
  const lookup = async (from: EngineContainer, name: string) => {
    const { code, output } = await exec(from, ['busybox', 'nslookup', `${name}.endor.lab`]);
    const answer = output.split(/Name:\s+/)[1] ?? '';
    return code === 0 ? /Address:?\s*(?:\d+\s+)?(\d+\.\d+\.\d+\.\d+)/.exec(answer)?.[1] : undefined;
  };
  const layout = () => {
    const loaded = loadEnvironment(text());
    if (!loaded.ok) throw new Error('test environment invalid');
    const found = networkLayout(loaded.env);
    if (found === undefined) throw new Error('the test environment has no network');
    return found;
  };
  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestNetworks();
      await removeTestVolumes();
      await removeTestSwitches();
    },
    teardown: async () => {
      try {
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
        await removeTestSwitches();
      } finally {
        dir.remove();
      }
    },
  });

  it('wires every container: static addresses from the host side, the others by DHCP', async () => {
    writeFileSync(file, text());
    const pass = await apply();
    expect(failed(pass)).toEqual([]);
    expect(pass.reconciliation.result.converged).toBe(true);
    expect(pass.planned.plan.hostSteps.map((s) => `${s.host} ${s.action}`).sort()).toEqual([
      'h2 switch',
      'h2 tunnel',
      'local switch',
      'local tunnel',
    ]);
    const attached = pass.reconciliation.result.steps.filter((s) => s.action === 'attach');
    expect(attached.map((s) => s.name).sort()).toEqual(
      ['dns1', 'dns2', 'gal1', 'gal2', 'webui1'].map(n),
    );

    expect(await eth0(n('dns1'))).toMatchObject({ ip: '10.0.0.1', mac: 'de:ad:be:ef:ba:11' });
    expect(await eth0(n('dns2'))).toMatchObject({ ip: '10.0.0.2', mac: 'de:ad:be:ef:ba:12' });
    const recorded = record();
    for (const name of ['gal1', 'gal2', 'webui1'].map(n)) {
      const seen = await eth0(name);
      expect(seen.ip, name).toMatch(/^10\.0\.\d+\.\d+$/);
      expect({ ip: seen.ip, mac: seen.mac }, name).toEqual(recorded.get(name));
      const info = await rawClient(ENGINES[seen.container.engine])
        .getContainer(seen.container.id)
        .inspect();
      expect(info.HostConfig.NetworkMode).toBe('none');
    }

    const again = await apply();
    expect(again.planned.plan.hostSteps).toEqual([]);
    expect(again.reconciliation.result.steps).toEqual([]);
  });

  it('resolves every name from every container on either engine, and reaches across', async () => {
    const all = await testContainers();
    const addresses = new Map(
      await Promise.all(all.map(async (c) => [c.name, (await eth0(c.name)).ip] as const)),
    );
    for (const from of all) {
      for (const to of all) {
        if (to === from) continue;
        expect(await lookup(from, to.name), `${to.name} from ${from.name}`).toBe(
          addresses.get(to.name),
        );
      }
    }
    const gal1 = await container(n('gal1'));
    const gal2 = await eth0(n('gal2'));
    expect(gal1.engine).toBe('local');
    expect(gal2.container.engine).toBe('h2');
    const ping = await exec(gal1, ['ping', '-c', '2', '-W', '2', gal2.ip ?? '']);
    expect(ping.output).toMatch(/2 packets received/);
  });

  it('wires a restarted container again at the next pass, by DHCP at the same address', async () => {
    const before = await eth0(n('gal2'));
    await rawClient(ENGINES.h2).getContainer(before.container.id).restart({ t: 1 });
    expect((await eth0(n('gal2'))).ip).toBeUndefined();
    const pass = await apply();
    expect(failed(pass)).toEqual([]);
    const attached = pass.planned.plan.tiers
      .flatMap((t) => t.steps)
      .filter((s) => s.action === 'attach');
    expect(attached.map((s) => `${s.name}: ${s.reason}`)).toEqual([
      `${n('gal2')}: its port lost its far end (the container restarted): wired again`,
    ]);
    expect(await eth0(n('gal2'))).toMatchObject({ ip: before.ip, mac: before.mac });
    const gal1 = await container(n('gal1'));
    expect(
      (await exec(gal1, ['ping', '-c', '1', '-W', '2', `${n('gal2')}.endor.lab`])).output,
    ).toMatch(/1 packets received/);
  });

  it(
    `keeps the MAC and DHCP address through ${String(CYCLES)} recreations`,
    async () => {
      const first = await eth0(n('webui1'));
      for (let i = 0; i < CYCLES; i++) {
        const c = await container(n('webui1'));
        await rawClient(ENGINES.h2).getContainer(c.id).remove({ force: true });
        const pass = await apply();
        expect(failed(pass), `cycle ${String(i + 1)}`).toEqual([]);
        expect(await eth0(n('webui1')), `cycle ${String(i + 1)}`).toMatchObject({
          ip: first.ip,
          mac: first.mac,
        });
      }
      // The ports of the removed containers went with them: one port per container is left.
      const switchOn = rawClient(ENGINES.h2).getContainer(SWITCH_CONTAINER);
      const run = await switchOn.exec({
        Cmd: ['ovs-vsctl', 'list-ports', layout().bridge],
        AttachStdout: true,
      });
      const stream = await run.start({});
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => stream.on('end', resolve));
      const ports =
        Buffer.concat(chunks)
          .toString('latin1')
          .match(/dsp[0-9a-f]{10}/g) ?? [];
      expect(ports).toHaveLength(3);
    },
    CYCLE_BUDGET_MS,
  );

  it('moves to the bridge driver and back as planned changes, every container at its address', async () => {
    const before = new Map<string, { ip: string | undefined; mac: string | undefined }>();
    for (const c of await testContainers()) {
      const { ip, mac } = await eth0(c.name);
      before.set(c.name, { ip, mac });
    }

    writeFileSync(file, text('bridge'));
    const toBridge = await apply();
    expect(failed(toBridge)).toEqual([]);
    const recreated = toBridge.planned.plan.tiers.flatMap((t) => t.steps);
    expect(new Set(recreated.map((s) => s.action))).toEqual(new Set(['recreate']));
    expect(recreated).toHaveLength(before.size);
    for (const c of await testContainers()) {
      const info = await rawClient(ENGINES[c.engine]).getContainer(c.id).inspect();
      const net = info.NetworkSettings.Networks[`dockstack-${NAME}`];
      expect({ ip: net?.IPAddress, mac: net?.MacAddress }, c.name).toEqual(before.get(c.name));
    }

    writeFileSync(file, text());
    const back = await apply();
    expect(failed(back)).toEqual([]);
    for (const c of await testContainers()) {
      expect(await eth0(c.name), c.name).toMatchObject(before.get(c.name) ?? {});
    }
    const gal1 = await container(n('gal1'));
    const ping = await exec(gal1, ['ping', '-c', '1', '-W', '2', `${n('webui1')}.endor.lab`]);
    expect(ping.output).toMatch(/1 packets received/);
    // Every container recreated twice over two engines: about 20 s on an idle machine.
  }, 120_000);
});
