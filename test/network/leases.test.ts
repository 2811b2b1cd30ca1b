import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { connectHosts } from '../../src/hosts/connect-hosts.js';
import { readAddressRecord, readLeases } from '../../src/network/address-record.js';
import { fileRecorder } from '../../src/pass/file-recorder.js';
import { fileSource } from '../../src/pass/file-source.js';
import type { AppliedPass } from '../../src/pass/pass-result.js';
import { runPass } from '../../src/pass/run-pass.js';
import { LEASE_TIME } from '../../src/render/render-leases.js';
import { loadRenderer } from '../../src/render/renderer.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  type EngineContainer,
  type Services,
} from '../apply/apply-env.js';
import { waitFor } from '../daemon/daemon-process.js';
import { tempDir } from '../git/git-fixture.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  assertNetworkImages,
  execIn,
  findTestContainer,
  REAL_DNS_TAG,
  removeTestNetworks,
  removeTestSwitches,
  TUNNEL_ADDRESSES,
} from './network-testbed.js';

const NAME = `net-test-${String(process.pid)}`;
const n = (short: string) => `${PREFIX}-${short}`;
const DRIVERS = ['bridge', 'ovs'] as const;
type Driver = (typeof DRIVERS)[number];
/** How many times gal1 leaves and comes back on each driver. */
const ROUNDS = 3;

const hosts = {
  local: { docker: 'unix:///var/run/docker.sock', address: TUNNEL_ADDRESSES.local },
  h2: { docker: 'tcp://10.200.0.2:2375', address: TUNNEL_ADDRESSES.h2 },
};
/** The dnsmasq container (it serves DHCP on the ovs driver), and gal1 or gal9, on either engine. */
const services = (galera: 'gal1' | 'gal9'): Services => ({
  dns: {
    [n('dns1')]: {
      tag: REAL_DNS_TAG,
      gateway: '10.0.0.100',
      host: 'local',
      ipaddress: '10.0.0.1/16',
      macAddress: 'de:ad:be:ef:ba:11',
    },
  },
  galera: { [n(galera)]: { host: galera === 'gal1' ? 'h2' : 'local' } },
});

interface Address {
  ip: string | undefined;
  mac: string | undefined;
}

describe('leases: a name that leaves the file keeps its address and MAC, on both drivers', () => {
  const dir = tempDir();
  const file = join(dir.path, 'environment.yaml');
  const renderer = loadRenderer();
  const dns = new Map<string, string>();
  /** What each name got the first time, on whichever driver: it never changes after. */
  const first = new Map<string, Address>();
  const write = (driver: Driver, galera: 'gal1' | 'gal9') => {
    writeFileSync(
      file,
      environmentText(services(galera), { name: NAME, hosts, network: { driver } }),
    );
  };
  const apply = async (): Promise<AppliedPass> => {
    const pass = await runPass(
      { goal: 'apply', source: fileSource(file), recorder: fileRecorder() },
      { connect: (env) => connectHosts(env, {}), renderer, dns },
    );
    if (pass.stage !== 'apply') throw new Error(`the pass stopped at ${pass.stage}`);
    const failed = pass.reconciliation.result.steps.filter((s) => s.outcome !== 'done');
    expect(failed.map((s) => `${s.host} ${s.action} ${s.name}: ${s.error ?? ''}`)).toEqual([]);
    return pass;
  };
  const recorded = (path: string) => readFileSync(join(dir.path, 'dnsmasq', path), 'utf8');
  /** The address and MAC of the container's eth0, as it sees them (either driver). */
  const eth0 = async (name: string): Promise<Address & { container: EngineContainer }> => {
    const container = await findTestContainer(name);
    const addr = await execIn(container, ['busybox', 'ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    const link = await execIn(container, ['busybox', 'ip', '-o', 'link', 'show', 'dev', 'eth0']);
    return {
      container,
      ip: /inet (\d+\.\d+\.\d+\.\d+)\//.exec(addr.output)?.[1],
      mac: /link\/ether ([0-9a-f:]+)/.exec(link.output)?.[1],
    };
  };
  /** The address dnsmasq (dns1) answers for the name, asked from `from`; undefined for none. */
  const lookup = async (from: EngineContainer, name: string) => {
    const { code, output } = await execIn(from, [
      'busybox',
      'nslookup',
      `${name}.endor.lab`,
      '10.0.0.1',
    ]);
    const answer = output.split(/Name:\s+/)[1] ?? '';
    return code === 0 ? /Address:?\s*(?:\d+\s+)?(\d+\.\d+\.\d+\.\d+)/.exec(answer)?.[1] : undefined;
  };
  /** The name runs at what it got the first time (its first address, when there is none yet). */
  const expectKept = async (name: string): Promise<Address> => {
    const { ip, mac } = await eth0(name);
    expect(ip, name).toMatch(/^10\.0\.\d+\.\d+$/);
    const before = first.get(name) ?? { ip, mac };
    first.set(name, before);
    expect({ ip, mac }, name).toEqual(before);
    return before;
  };

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestNetworks();
      await removeTestSwitches();
    },
    teardown: async () => {
      try {
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestSwitches();
      } finally {
        dir.remove();
      }
    },
  });

  // The ovs round starts from what the bridge round left: the same record, the other driver.
  it.each(DRIVERS)(
    `%s: gal1 leaves as gal9 comes, and comes back at its address and MAC, ${String(ROUNDS)} times`,
    async (driver) => {
      write(driver, 'gal1');
      await apply();
      const gal1 = await expectKept(n('gal1'));
      for (let round = 1; round <= ROUNDS; round++) {
        const at = `${driver} round ${String(round)}`;
        write(driver, 'gal9');
        const swapped = await apply();
        expect(swapped.planned.addresses.get(n('gal9'))?.origin, at).toBe(
          first.has(n('gal9')) ? 'returning' : 'new',
        );
        const gal9 = await expectKept(n('gal9'));
        expect(gal9.ip, at).not.toBe(gal1.ip);
        expect(gal9.mac, at).not.toBe(gal1.mac);
        // gal1 is kept in dnsmasq/leases, and neither its DNS name nor its DHCP line is served.
        const lease = readLeases(recorded('leases')).get(n('gal1'));
        expect(lease, at).toMatchObject({ ip: gal1.ip, mac: gal1.mac });
        expect(lease?.left, at).toMatch(LEASE_TIME);
        expect(readAddressRecord(recorded('dhcp-hosts')).has(n('gal1')), at).toBe(false);
        const from = (await eth0(n('gal9'))).container;
        expect(await waitFor(`gal9 answering (${at})`, () => lookup(from, n('gal9')))).toBe(
          gal9.ip,
        );
        expect(await lookup(from, n('gal1')), at).toBeUndefined();

        write(driver, 'gal1');
        const back = await apply();
        expect(back.planned.addresses.get(n('gal1')), at).toEqual({ ...gal1, origin: 'returning' });
        await expectKept(n('gal1'));
        expect(readLeases(recorded('leases')).get(n('gal9')), at).toMatchObject(gal9);
        expect(readLeases(recorded('leases')).has(n('gal1')), at).toBe(false);
      }
    },
    240_000,
  );
});
