/**
 * The rendered dnsmasq files as dnsmasq itself reads them. Needs `dnsmasq` on PATH (Debian:
 * `apt-get install dnsmasq-base`) and root (dnsmasq reads --dhcp-hostsfile only once its DHCP
 * server is up); without them these tests fail.
 *
 * `dnsmasq --test` checks the configuration but reads neither --dhcp-hostsfile nor --addn-hosts, so
 * the hosts file's lines are checked as `dhcp-host=` options (the same syntax, the same parser), and
 * both files are then loaded by a real dnsmasq on loopback and queried over DNS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { seedEnvironment } from '../../test/fixtures/render/seed-environment.js';
import { dnsmasqEntries } from './dnsmasq-entries.js';
import { renderAddnHosts, renderDhcpHosts } from './render-dnsmasq.js';

const work = mkdtempSync(join(tmpdir(), 'dockstack-dnsmasq-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const env = seedEnvironment((raw) => {
  raw.services.galera = {
    gal1: { host: 'h', ipaddress: '10.0.3.7/16', macAddress: '02:00:00:00:03:07' },
    gal2: { host: 'h', ipaddress: '10.0.3.8/16', macAddress: '02:00:00:00:03:08' },
  };
  raw.services.openstack = { os1: { host: 'h', ipaddress: '10.0.4.1/16' } };
  raw.services.webui = { webui1: { host: 'h', macAddress: '02:00:00:00:05:01' } };
});
const entries = dnsmasqEntries(containerSpecs(env));
const dhcpHosts = renderDhcpHosts(entries);
const addnHosts = renderAddnHosts(entries);

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

/** `dnsmasq --test` on a configuration holding each line of a hosts file as a `dhcp-host=`. */
function testAsDhcpHostOptions(hostsFile: string, name: string) {
  const lines = hostsFile.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const conf = write(name, lines.map((line) => `dhcp-host=${line}\n`).join(''));
  const run = spawnSync('dnsmasq', ['--test', `--conf-file=${conf}`], { encoding: 'utf8' });
  if (run.error !== undefined) throw new Error(`cannot run dnsmasq: ${run.error.message}`);
  return { code: run.status, output: `${run.stdout}${run.stderr}`, options: lines.length };
}

async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from({ length: count }, () => {
      const socket = createSocket('udp4');
      return new Promise<ReturnType<typeof createSocket>>((resolve) => {
        socket.bind(0, '127.0.0.1', () => {
          resolve(socket);
        });
      });
    }),
  );
  const ports = sockets.map((socket) => socket.address().port);
  sockets.forEach((socket) => socket.close());
  return ports;
}

describe('the rendered dnsmasq files, read by dnsmasq', () => {
  it('are accepted by dnsmasq --test, which refuses a bad line', () => {
    const good = testAsDhcpHostOptions(dhcpHosts, 'good.conf');
    expect(good).toEqual({
      code: 0,
      output: expect.stringContaining('syntax check OK') as unknown,
      options: 4,
    });

    const bad = testAsDhcpHostOptions(dhcpHosts.replace(',gal1,', ',gal_1!,'), 'bad.conf');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('bad DHCP host name');
  });

  it('load into a running dnsmasq without complaint and answer for every address', async () => {
    const dhcpFile = write('dhcp-hosts', dhcpHosts);
    const addnFile = write('addn-hosts', addnHosts);
    const [dnsPort = 0, dhcpPort = 0, clientPort = 0] = await freeUdpPorts(3);
    const child = spawn(
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--log-facility=-',
        '--conf-file=/dev/null',
        `--port=${dnsPort}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        '--no-resolv',
        '--no-hosts',
        '--pid-file=',
        '--user=root',
        '--group=root',
        `--addn-hosts=${addnFile}`,
        `--dhcp-hostsfile=${dhcpFile}`,
        '--dhcp-range=10.0.0.0,static,255.255.0.0',
        `--dhcp-alternate-port=${dhcpPort},${clientPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`dnsmasq did not start:\n${log}`));
      }, 10_000);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes(`read ${addnFile}`) && log.includes(`read ${dhcpFile}`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (error) => {
        reject(new Error(`cannot run dnsmasq: ${error.message}`));
      });
      child.on('exit', (code) => {
        reject(new Error(`dnsmasq exited (${String(code)}):\n${log}`));
      });
    });
    try {
      await started;
      expect(log).toContain(`read ${addnFile} - 10 names`);
      expect(log.split('\n').filter((line) => /bad|error|fail|illegal/i.test(line))).toEqual([]);

      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([`127.0.0.1:${dnsPort}`]);
      const withAddress = entries.filter((entry) => entry.ip !== undefined);
      expect(withAddress.map((entry) => entry.name)).toEqual([
        'dns1',
        'dns2',
        'gal1',
        'gal2',
        'os1',
      ]);
      for (const { name, fqdn, ip } of withAddress) {
        expect(await resolver.resolve4(fqdn)).toEqual([ip]);
        expect(await resolver.resolve4(name)).toEqual([ip]);
        expect(await resolver.reverse(ip ?? '')).toEqual([fqdn]);
      }
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
