import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { readAddressRecord } from '../../src/network/address-record.js';
import { PREFIX, removeTestContainers, testContainers } from '../apply/apply-env.js';
import { type DaemonProcess, startDaemon, statusOf, waitFor } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  assertNetworkImages,
  removeTestNetworks,
  removeTestVolumes,
  seedOverTwoEngines,
} from './network-testbed.js';

const NAME = `seed-net-${String(process.pid)}`;
const p = (short: string) => `${PREFIX}-${short}`;

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
}

describe("the seed's environment over two engines, from the daemon", () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = () => statusOf<Status>(daemon);
  const committedRecord = () =>
    readAddressRecord(git(remote.bare, ['show', 'main:dnsmasq/dhcp-hosts']));
  const lookup = async (fromName: string, name: string): Promise<string | undefined> => {
    const from = (await testContainers()).find((c) => c.name === fromName);
    if (from === undefined) throw new Error(`${fromName} is not running`);
    const run = await rawClient(ENGINES[from.engine])
      .getContainer(from.id)
      .exec({ Cmd: ['nslookup', `${name}.endor.lab`], AttachStdout: true, AttachStderr: true });
    const stream = await run.start({});
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => stream.on('end', resolve));
    const answer =
      Buffer.concat(chunks)
        .toString('latin1')
        .split(/Name:\s+/)[1] ?? '';
    return /Address:?\s*(?:\d+\s+)?(\d+\.\d+\.\d+\.\d+)/.exec(answer)?.[1];
  };

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestNetworks();
      await removeTestVolumes();
      remote = createRemote(root.path, { 'environment.yaml': seedOverTwoEngines(NAME, PREFIX) });
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
        120_000,
      );
    },
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
      } finally {
        root.remove();
      }
    },
  });

  it('puts dns1 and dns2 at the file addresses and the other eleven at recorded ones', async () => {
    const all = await testContainers();
    expect(all).toHaveLength(13);
    expect(new Set(all.map((c) => c.engine))).toEqual(new Set(['local', 'h2']));
    const at = new Map<string, { ip: string | undefined; mac: string | undefined }>();
    for (const c of all) {
      const info = await rawClient(ENGINES[c.engine]).getContainer(c.id).inspect();
      const net = info.NetworkSettings.Networks[`dockstack-${NAME}`];
      at.set(c.name, { ip: net?.IPAddress, mac: net?.MacAddress });
    }
    expect(at.get(p('dns1'))).toEqual({ ip: '10.0.0.1', mac: 'de:ad:be:ef:ba:11' });
    expect(at.get(p('dns2'))).toEqual({ ip: '10.0.0.2', mac: 'de:ad:be:ef:ba:12' });
    const ips = [...at.values()].map((a) => a.ip ?? '');
    expect(new Set(ips).size).toBe(13);
    for (const ip of ips) expect(ip).toMatch(/^10\.0\.\d+\.\d+$/);

    const record = committedRecord();
    for (const [name, address] of at) {
      expect(record.get(name), name).toEqual(address);
    }
    const subject = git(remote.bare, ['log', '-1', '--format=%s', 'main']);
    expect(subject).toMatch(/^dockstack: /);
  });

  it('answers a name added by a commit once the write-back records it', async () => {
    const text = git(remote.bare, ['show', 'main:environment.yaml']);
    const env = parse(text) as { services: Record<string, Record<string, unknown>> };
    env.services.webui = { ...env.services.webui, [p('webui2')]: { host: 'h2' } };
    const pushed = remote.push({ 'environment.yaml': stringify(env) }, 'Add webui2');
    await waitFor(
      'the write-back of the commit that adds webui2',
      () => {
        const head = remote.head();
        return head !== pushed && remote.isAncestor(pushed, head) ? true : undefined;
      },
      60_000,
    );
    const address = committedRecord().get(p('webui2'))?.ip;
    expect(address).toMatch(/^10\.0\.\d+\.\d+$/);
    // How soon it answers is measured by npm run bench:network (commit to every name answering);
    // here, that it answers with the recorded address.
    const answered = await waitFor(
      'webui2 answering by name from gal1',
      () => lookup(p('gal1'), p('webui2')),
      30_000,
    );
    expect(answered).toBe(address);
  });
});
