import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadEnvironment } from '../../src/environment/load-environment.js';
import { connectHosts } from '../../src/hosts/connect-hosts.js';
import { readAddressRecord } from '../../src/network/address-record.js';
import { networkLayout } from '../../src/network/network-layout.js';
import { portName, SWITCH_CONTAINER } from '../../src/network/ovs-scripts.js';
import { fileRecorder } from '../../src/pass/file-recorder.js';
import { fileSource } from '../../src/pass/file-source.js';
import type { AppliedPass } from '../../src/pass/pass-result.js';
import { runPass } from '../../src/pass/run-pass.js';
import { loadRenderer } from '../../src/render/renderer.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
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
/** Where Debian's Open vSwitch keeps its sockets and pid files on a host. */
const HOST_RUNDIR = '/run/openvswitch';

const services: Services = {
  dns: {
    [n('dns1')]: {
      ...DNS,
      host: 'local',
      ipaddress: '10.0.0.1/16',
      macAddress: 'de:ad:be:ef:ba:21',
    },
    [n('dns2')]: { ...DNS, host: 'h2', ipaddress: '10.0.0.2/16', macAddress: 'de:ad:be:ef:ba:22' },
  },
  galera: { [n('gal1')]: { host: 'local' }, [n('gal2')]: { host: 'h2' } },
};
const hosts = {
  local: { docker: 'unix:///var/run/docker.sock', address: TUNNEL_ADDRESSES.local },
  h2: { docker: 'tcp://10.200.0.2:2375', address: TUNNEL_ADDRESSES.h2 },
};

/** `ovs-vsctl` of the machine itself, against the host's Open vSwitch. */
function hostVsctl(...args: string[]): string {
  return execFileSync('ovs-vsctl', ['--timeout=10', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function hostSwitchAnswers(): boolean {
  try {
    hostVsctl('show');
    return true;
  } catch {
    return false;
  }
}

/**
 * Open vSwitch run on the test machine itself, as a host that has Debian's openvswitch-switch
 * runs it (sockets in /run/openvswitch, userspace datapath: this kernel has no module). The test
 * stops it again; it refuses to start on a machine whose own switch already runs.
 */
class HostSwitch {
  private readonly dir = tempDir();
  private started = false;
  private madeRundir = false;

  start(): void {
    try {
      execFileSync('ovs-vswitchd', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        'this test needs Open vSwitch on the machine: apt-get install openvswitch-switch',
      );
    }
    if (hostSwitchAnswers()) {
      throw new Error(
        `an Open vSwitch already runs on this machine (${HOST_RUNDIR}); this test starts and ` +
          'stops one of its own: run it where none runs',
      );
    }
    this.madeRundir = !existsSync(HOST_RUNDIR);
    mkdirSync(HOST_RUNDIR, { recursive: true });
    const db = join(this.dir.path, 'conf.db');
    const run = (command: string, ...args: string[]) =>
      execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    run('ovsdb-tool', 'create', db, '/usr/share/openvswitch/vswitch.ovsschema');
    this.started = true;
    run(
      'ovsdb-server',
      db,
      `--remote=punix:${HOST_RUNDIR}/db.sock`,
      '--pidfile',
      '--detach',
      '--no-chdir',
    );
    run('ovs-vsctl', '--no-wait', 'init');
    run('ovs-vswitchd', '--pidfile', '--detach', '--no-chdir');
  }

  /** Stops what start() started, and removes its folders. */
  stop(): void {
    try {
      if (!this.started) return;
      for (const daemon of ['ovs-vswitchd', 'ovsdb-server']) {
        try {
          execFileSync('ovs-appctl', ['--timeout=10', '-t', daemon, 'exit'], { stdio: 'ignore' });
        } catch {
          // Not running any more.
        }
      }
      this.started = false;
      if (this.madeRundir) rmSync(HOST_RUNDIR, { recursive: true, force: true });
    } finally {
      this.dir.remove();
    }
  }
}

describe('the ovs driver on a host that runs its own Open vSwitch', () => {
  const dir = tempDir();
  const file = join(dir.path, 'environment.yaml');
  const renderer = loadRenderer();
  const dns = new Map<string, string>();
  const hostSwitch = new HostSwitch();
  const text = () => environmentText(services, { name: NAME, hosts, network: { driver: 'ovs' } });
  const loaded = loadEnvironment(text());
  if (!loaded.ok) throw new Error('test environment invalid');
  const layout = networkLayout(loaded.env);
  if (layout === undefined) throw new Error('the test environment has no network');

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
  const container = findTestContainer;
  const exec = async (c: EngineContainer, command: string[]) => (await execIn(c, command)).output;
  const switchLog = async (engine: keyof typeof ENGINES) => {
    const log = await rawClient(ENGINES[engine])
      .getContainer(SWITCH_CONTAINER)
      .logs({ stdout: true, stderr: true });
    return log.toString('latin1');
  };
  const ipOf = async (name: string) => {
    const output = await exec(await container(name), [
      'busybox',
      'ip',
      '-o',
      'addr',
      'show',
      'dev',
      'eth0',
    ]);
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(output)?.[1];
  };
  /** Two pings from gal1 (the local engine) to gal2 (h2) by name: received or not. */
  const pingAcross = async () =>
    exec(await container(n('gal1')), ['ping', '-c', '2', '-W', '2', `${n('gal2')}.endor.lab`]);

  useTestbed({
    setup: async () => {
      await assertNetworkImages();
      await removeTestContainers();
      await removeTestNetworks();
      await removeTestVolumes();
      await removeTestSwitches();
      hostSwitch.start();
    },
    teardown: async () => {
      try {
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
        await removeTestSwitches();
      } finally {
        try {
          hostSwitch.stop();
        } finally {
          dir.remove();
        }
      }
    },
  });

  it("puts the environment's bridge on the host's switch; a host without one runs its own", async () => {
    writeFileSync(file, text());
    const pass = await apply();
    expect(failed(pass)).toEqual([]);
    expect(pass.reconciliation.result.converged).toBe(true);

    // The local engine's switch container talks to the machine's Open vSwitch: the bridge, the
    // tunnel and gal1's port are in the host's database.
    expect(await switchLog('local')).toMatch(/using the host's Open vSwitch/);
    const ports = hostVsctl('list-ports', layout.bridge).split('\n');
    expect(ports).toContain(layout.vxlan);
    expect(ports).toContain(portName(NAME, n('gal1')));
    expect(ports).toContain(portName(NAME, n('dns1')));
    // h2's engine is in another network namespace: the machine's switch is not its host's.
    expect(await switchLog('h2')).toMatch(/runs no Open vSwitch here; running its own/);
    expect(ports).not.toContain(portName(NAME, n('gal2')));

    const recorded = readAddressRecord(readFileSync(join(dir.path, 'dnsmasq/dhcp-hosts'), 'utf8'));
    expect(await ipOf(n('gal1'))).toBe(recorded.get(n('gal1'))?.ip);
    expect(await pingAcross()).toMatch(/2 packets received/);

    const again = await apply();
    expect(again.planned.plan.hostSteps).toEqual([]);
    expect(again.reconciliation.result.steps).toEqual([]);
  }, 120_000);

  it("runs its own switch once the host's stops, and the next pass wires everything again", async () => {
    hostSwitch.stop();
    // The switch container exits when the host's ovs-vswitchd goes; its restart policy starts it
    // again, now running Open vSwitch itself.
    const deadline = Date.now() + 30_000;
    while (!/running its own/.test(await switchLog('local'))) {
      if (Date.now() > deadline)
        throw new Error('the switch container did not start its own Open vSwitch');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const pass = await apply();
    expect(failed(pass)).toEqual([]);
    const steps = [
      ...pass.planned.plan.hostSteps.map((s) => `${s.host} ${s.action}`),
      ...pass.planned.plan.tiers.flatMap((t) => t.steps).map((s) => `${s.action} ${s.name}`),
    ];
    expect(steps.sort()).toEqual(
      ['local switch', 'local tunnel', `attach ${n('dns1')}`, `attach ${n('gal1')}`].sort(),
    );
    expect(await pingAcross()).toMatch(/2 packets received/);
  }, 120_000);
});
