import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { readAddressRecord } from '../../src/network/address-record.js';
import {
  PREFIX,
  removeTestContainers,
  testContainers,
  type EngineContainer,
} from '../apply/apply-env.js';
import { type DaemonProcess, startDaemon, statusOf, waitFor } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  assertNetworkImages,
  execIn,
  findTestContainer,
  removeTestSwitches,
  seedOverTwoEngines,
} from './network-testbed.js';

const NAME = `seed-net-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
}

/** The seed over both engines with the seed's own data plane. */
function seedWithOvs(): string {
  const env = parse(seedOverTwoEngines(NAME, PREFIX)) as Record<string, unknown>;
  return stringify({ ...env, network: { driver: 'ovs' } });
}

describe("the seed's environment on Open vSwitch over two engines, from the daemon", () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = () => statusOf<Status>(daemon);
  const committedRecord = () =>
    readAddressRecord(git(remote.bare, ['show', 'main:dnsmasq/dhcp-hosts']));
  const find = findTestContainer;
  const exec = execIn;
  const eth0 = async (c: EngineContainer) => {
    const addr = await exec(c, ['busybox', 'ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    const link = await exec(c, ['busybox', 'ip', '-o', 'link', 'show', 'dev', 'eth0']);
    return {
      ip: /inet (\d+\.\d+\.\d+\.\d+)\//.exec(addr.output)?.[1],
      mac: /link\/ether ([0-9a-f:]+)/.exec(link.output)?.[1],
    };
  };
  const lookup = async (from: EngineContainer, name: string) => {
    const { output } = await exec(from, ['busybox', 'nslookup', `${name}.endor.lab`]);
    const answer = output.split(/Name:\s+/)[1] ?? '';
    return /Address:?\s*(?:\d+\s+)?(\d+\.\d+\.\d+\.\d+)/.exec(answer)?.[1];
  };

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestSwitches();
      remote = createRemote(root.path, { 'environment.yaml': seedWithOvs() });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '1',
      ]);
      await waitFor(
        'the seed applied',
        async () => ((await status()).lastApplied?.converged === true ? true : undefined),
        180_000,
      );
    },
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        await removeTestSwitches();
      } finally {
        root.remove();
      }
    },
  });

  it('wires all 13 at the file addresses or at the ones DHCP gave, as recorded', async () => {
    const all = await testContainers();
    expect(all).toHaveLength(13);
    expect(new Set(all.map((c) => c.engine))).toEqual(new Set(['local', 'h2']));
    const record = committedRecord();
    const seen = new Map<string, { ip: string | undefined; mac: string | undefined }>();
    for (const c of all) seen.set(c.name, await eth0(c));
    expect(seen.get(p('dns1'))).toEqual({ ip: '10.0.0.1', mac: 'de:ad:be:ef:ba:11' });
    expect(seen.get(p('dns2'))).toEqual({ ip: '10.0.0.2', mac: 'de:ad:be:ef:ba:12' });
    for (const [name, address] of seen) expect(address, name).toEqual(record.get(name));
    expect(new Set([...seen.values()].map((a) => a.ip)).size).toBe(13);

    const gal1 = await find(p('gal1'));
    for (const c of all) {
      if (c.name !== gal1.name)
        expect(await lookup(gal1, c.name), c.name).toBe(seen.get(c.name)?.ip);
    }
    const other = all.find((c) => c.engine !== gal1.engine);
    if (other === undefined) throw new Error('no container on the other engine');
    const ping = await exec(gal1, ['ping', '-c', '2', '-W', '2', `${other.name}.endor.lab`]);
    expect(ping.output).toMatch(/2 packets received/);
  });

  it('wires a restarted container again on its own, at the same address', async () => {
    const target = await find(p('webui1'));
    const from = (await testContainers()).find(
      (c) => c.engine !== target.engine && c.name !== target.name && !c.name.includes('dns'),
    );
    if (from === undefined) throw new Error('no container on the other engine');
    const before = await eth0(target);
    await rawClient(ENGINES[target.engine]).getContainer(target.id).restart({ t: 1 });
    // The daemon follows the engine's events; its drift timer (5 s) is the fallback.
    await waitFor(
      `${target.name} answering pings again`,
      async () => {
        const ping = await exec(from, ['ping', '-c', '1', '-W', '1', `${target.name}.endor.lab`]);
        return /1 packets received/.test(ping.output) ? true : undefined;
      },
      30_000,
    );
    expect(await eth0(await find(p('webui1')))).toEqual(before);
    expect(git(remote.bare, ['log', '-1', '--format=%s', 'main'])).toMatch(/^dockstack: /);
  });
});
