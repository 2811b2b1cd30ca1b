import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import { HELPER_LABEL, type HelperSpec } from '../../src/hosts/helper-spec.js';
import { HostError } from '../../src/hosts/host-error.js';
import {
  H2,
  H2_LINK,
  LOCAL,
  rawClient,
  removeTestContainers,
  SUITE_LABEL,
  TEST_LABEL,
} from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { testTempDir } from '../testbed/temp-dirs.js';

const SUITE = 'run-helper';

/** Each engine sees its own network namespace: the root one, or ds-h2 with its end of the link. */
const engines = [
  { engine: 'local', endpoint: LOCAL, link: H2_LINK, notLink: 'ds-h2-in' },
  { engine: 'h2', endpoint: H2, link: 'ds-h2-in', notLink: H2_LINK },
];

describe.each(engines)('helper containers on $engine', ({ engine, endpoint, link, notLink }) => {
  const requests: HostRequest[] = [];
  const host = createDockerodeHost(engine, endpoint, {
    onRequest: (request) => requests.push(request),
  });
  const raw = rawClient(endpoint);
  const folders: string[] = [];

  useTestbed({
    setup: () => removeTestContainers(endpoint, SUITE),
    teardown: async () => {
      host.close();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
      await removeTestContainers(endpoint, SUITE);
    },
  });

  function helper(command: string, more: Partial<HelperSpec> = {}): HelperSpec {
    return {
      image: 'dns:latest',
      command: ['sh', '-c', command],
      labels: { [TEST_LABEL]: '1', [SUITE_LABEL]: SUITE },
      ...more,
    };
  }

  async function helpersLeft(): Promise<number> {
    const found = await raw.listContainers({
      all: true,
      filters: { label: [`${HELPER_LABEL}=true`, `${SUITE_LABEL}=${SUITE}`] },
    });
    return found.length;
  }

  async function failure(attempt: Promise<unknown>): Promise<HostError> {
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }

  it("runs in the host's network and PID namespaces and is removed afterwards", async () => {
    const result = await host.runHelper(helper('ip -o link; echo; cat /proc/1/comm'));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${link}@`);
    expect(result.stdout).not.toContain(`${notLink}@`);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(
      readFileSync('/proc/1/comm', 'utf8').trim(),
    );
    expect(await helpersLeft()).toBe(0);
  });

  it('returns the exit code and both streams of a failing command', async () => {
    const result = await host.runHelper(helper('echo out; echo err >&2; exit 7'));
    expect(result).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(await helpersLeft()).toBe(0);
  });

  it('has the privileges host-level network work needs, and the devices it is given', async () => {
    const name = `dsh${String(process.pid % 10_000)}${engine}`.slice(0, 12);
    const result = await host.runHelper(
      helper(
        `ip link add ${name}a type veth && ip -o link show ${name}a; ` +
          `ip link del ${name}a; test -c /dev/net/tun && echo tun`,
        { devices: ['/dev/net/tun'] },
      ),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${name}a@`);
    expect(result.stdout).toContain('tun\n');
    expect(result.exitCode).toBe(0);
  });

  it('mounts host folders, read-only when asked, and passes variables', async () => {
    const folder = testTempDir('helper');
    folders.push(folder);
    writeFileSync(path.join(folder, 'in.txt'), 'from the host\n');
    const result = await host.runHelper(
      helper(
        'cat /ro/in.txt; echo "$NOTE" > /rw/out.txt; touch /ro/denied 2>/dev/null || echo ro',
        {
          mounts: [
            { host: folder, container: '/ro', readOnly: true },
            { host: folder, container: '/rw' },
          ],
          env: { NOTE: 'written by the helper' },
        },
      ),
    );
    expect(result).toEqual({ exitCode: 0, stdout: 'from the host\nro\n', stderr: '' });
    expect(readFileSync(path.join(folder, 'out.txt'), 'utf8')).toBe('written by the helper\n');
  });

  it('remembers which privileges the host takes: the next helper needs one try', async () => {
    const fresh = createDockerodeHost(engine, endpoint, {
      onRequest: (request) => requests.push(request),
    });
    try {
      const creates = () => requests.filter((r) => r.method === 'helper').length;
      requests.length = 0;
      await fresh.runHelper(helper('true'));
      const first = creates();
      requests.length = 0;
      await fresh.runHelper(helper('true'));
      // create, start, remove; a host that refuses `privileged` took three more the first time
      expect(creates()).toBe(3);
      expect([3, 6]).toContain(first);
      expect(requests.map((r) => r.method)).toEqual(['helper', 'helper', 'wait', 'logs', 'helper']);
    } finally {
      fresh.close();
    }
  });

  it('fails at its deadline, saying so, and is removed', async () => {
    const begin = Date.now();
    const late = await failure(host.runHelper(helper('sleep 30', { deadlineMs: 800 })));
    expect(Date.now() - begin).toBeLessThan(10_000);
    expect(late.kind).toBe('timeout');
    expect(late.message).toContain('did not finish within 0.8 s');
    expect(late.message).toContain('dockstack-helper-');
    expect(await helpersLeft()).toBe(0);
  });

  it('is removed when it cannot start, and a missing image is image-unavailable', async () => {
    const broken = await failure(host.runHelper({ ...helper(''), command: ['/no/such/binary'] }));
    expect(broken.kind).toBe('engine');
    expect(broken.message).toContain('/no/such/binary');
    expect(await helpersLeft()).toBe(0);

    const missing = await failure(host.runHelper({ ...helper('true'), image: 'dsh-none:latest' }));
    expect(missing.kind).toBe('image-unavailable');
    expect(await helpersLeft()).toBe(0);
  });

  it('carries the helper label, by which leftovers are found', async () => {
    const pending = host.runHelper(helper('sleep 2'));
    await expect
      .poll(async () => {
        const found = await raw.listContainers({
          all: true,
          filters: { label: [`${HELPER_LABEL}=true`, `${SUITE_LABEL}=${SUITE}`] },
        });
        return found.map((c) => c.Labels[HELPER_LABEL]);
      })
      .toEqual(['true']);
    expect((await pending).exitCode).toBe(0);
    expect(await helpersLeft()).toBe(0);
  });
});
