import { describe, expect, it } from 'vitest';

import { createDockerodeHost, type HostRequest } from '../../src/hosts/dockerode-host.js';
import { HostError } from '../../src/hosts/host-error.js';
import { UploadPathError } from '../../src/hosts/tar-archive.js';
import {
  H2,
  LOCAL,
  rawClient,
  removeTestContainers,
  SUITE_LABEL,
  TEST_LABEL,
} from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { containerNames, testLabels, testSpec } from './test-spec.js';

const SUITE = 'container-commands';

const engines = [
  { engine: 'local', endpoint: LOCAL, networkMode: 'bridge' },
  { engine: 'h2', endpoint: H2, networkMode: 'none' },
];

describe.each(engines)('commands in containers on $engine', ({ engine, endpoint, networkMode }) => {
  const nextName = containerNames(`${SUITE}-${engine}`);
  const requests: HostRequest[] = [];
  const host = createDockerodeHost(engine, endpoint, {
    networkMode,
    onRequest: (request) => requests.push(request),
  });
  const raw = rawClient(endpoint);

  useTestbed({
    setup: () => removeTestContainers(endpoint, SUITE),
    teardown: async () => {
      host.close();
      await removeTestContainers(endpoint, SUITE);
    },
  });

  async function created(): Promise<string> {
    const spec = testSpec(nextName());
    return host.createContainer(spec, testLabels(spec, SUITE));
  }

  async function running(): Promise<string> {
    const id = await created();
    await host.startContainer(id);
    return id;
  }

  async function failure(attempt: Promise<unknown>): Promise<HostError> {
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }

  describe('exec', () => {
    it('runs a command and returns its exit code, stdout and stderr apart', async () => {
      const id = await running();
      requests.length = 0;
      const result = await host.exec(id, ['sh', '-c', 'echo out; echo err >&2; echo more; exit 3']);
      expect(result).toEqual({ exitCode: 3, stdout: 'out\nmore\n', stderr: 'err\n' });
      expect(requests.map((r) => `${r.method}${r.write ? '!' : ''}`)).toEqual([
        'exec!',
        'exec!',
        'inspect',
      ]);
      expect(await host.exec(id, ['true'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    });

    it('passes stdin, user and environment, without a shell', async () => {
      const id = await running();
      const text = `first line\n${'x'.repeat(300_000)}\nlast line`;
      expect(await host.exec(id, ['cat'], { stdin: text })).toEqual({
        exitCode: 0,
        stdout: text,
        stderr: '',
      });
      expect(await host.exec(id, ['wc', '-c'], { stdin: '' })).toMatchObject({
        stdout: expect.stringMatching(/^\s*0\s*$/) as unknown,
      });
      const who = await host.exec(id, ['sh', '-c', 'id -u; echo "$GREETING"'], {
        user: '1234',
        env: { GREETING: 'hello; $(not run)' },
      });
      expect(who).toEqual({ exitCode: 0, stdout: '1234\nhello; $(not run)\n', stderr: '' });
      expect((await host.exec(id, ['echo', '$HOME', '*'])).stdout).toBe('$HOME *\n');
    });

    it('keeps the first MiB of each stream', async () => {
      const id = await running();
      const result = await host.exec(id, [
        'sh',
        '-c',
        'head -c 3000000 /dev/zero | tr "\\0" o; head -c 2000000 /dev/zero | tr "\\0" e >&2',
      ]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('o'.repeat(1024 * 1024));
      expect(result.stderr).toBe('e'.repeat(1024 * 1024));
    });

    it('fails a command that outlasts its deadline, saying so', async () => {
      const id = await running();
      const begin = Date.now();
      const late = await failure(host.exec(id, ['sleep', '30'], { deadlineMs: 500 }));
      expect(Date.now() - begin).toBeLessThan(5000);
      expect(late.kind).toBe('timeout');
      expect(late.message).toContain('did not finish within 0.5 s');
      expect(late.message).toContain(`Docker host ${engine}`);
      expect(late.message).toContain('run sleep');
      expect(await host.exec(id, ['echo', 'still here'])).toMatchObject({ stdout: 'still here\n' });
    });

    it('reports a stopped container as a conflict and an absent one as not found', async () => {
      const id = await created();
      const stopped = await failure(host.exec(id, ['true']));
      expect(stopped.kind).toBe('conflict');
      expect(stopped.message).toMatch(/is not running/);
      expect((await failure(host.exec('dsh-no-such-container', ['true']))).kind).toBe('not-found');
      await expect(host.exec(id, [])).rejects.toThrow(RangeError);
    });
  });

  describe('upload', () => {
    it('writes files with their modes into an existing folder, in one archive', async () => {
      const id = await running();
      requests.length = 0;
      await host.upload(id, '/tmp', [
        { path: 'hosts', content: '10.0.0.1 dns1.endor.lab dns1\n' },
        { path: 'bin/run.sh', content: '#!/bin/sh\necho ran\n', mode: 0o755 },
        { path: 'secret', content: new Uint8Array([0x00, 0xff, 0x41]), mode: 0o600 },
      ]);
      expect(requests.map((r) => `${r.method}${r.write ? '!' : ''}`)).toEqual(['upload!']);

      expect((await host.exec(id, ['cat', '/tmp/hosts'])).stdout).toBe(
        '10.0.0.1 dns1.endor.lab dns1\n',
      );
      expect((await host.exec(id, ['/tmp/bin/run.sh'])).stdout).toBe('ran\n');
      const modes = await host.exec(id, [
        'stat',
        '-c',
        '%a %u %s %n',
        '/tmp/hosts',
        '/tmp/bin/run.sh',
        '/tmp/secret',
      ]);
      expect(modes.stdout).toBe(
        '644 0 29 /tmp/hosts\n755 0 19 /tmp/bin/run.sh\n600 0 3 /tmp/secret\n',
      );
    });

    it('creates a folder that does not exist yet, and replaces files already there', async () => {
      const id = await running();
      await host.upload(id, '/srv/dockstack//conf/', [{ path: 'a/b.txt', content: 'one' }]);
      await host.upload(id, '/srv/dockstack/conf', [{ path: 'a/b.txt', content: 'two' }]);
      expect((await host.exec(id, ['cat', '/srv/dockstack/conf/a/b.txt'])).stdout).toBe('two');
    });

    it('uploads into a container that is created but not started', async () => {
      const id = await created();
      await host.upload(id, '/etc/dockstack', [{ path: 'ready', content: 'yes\n' }]);
      await host.startContainer(id);
      expect((await host.exec(id, ['cat', '/etc/dockstack/ready'])).stdout).toBe('yes\n');
    });

    it('refuses paths that leave the folder before sending anything', async () => {
      const id = await running();
      requests.length = 0;
      for (const path of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'nul\0byte']) {
        await expect(host.upload(id, '/tmp', [{ path, content: 'x' }])).rejects.toThrow(
          UploadPathError,
        );
      }
      await expect(host.upload(id, 'tmp', [{ path: 'a', content: 'x' }])).rejects.toThrow(
        UploadPathError,
      );
      await expect(host.upload(id, '/tmp/../etc', [{ path: 'a', content: 'x' }])).rejects.toThrow(
        UploadPathError,
      );
      expect(requests).toEqual([]);
      expect((await host.exec(id, ['ls', '/tmp'])).stdout).toBe('');
    });

    it('reports an absent container as not found', async () => {
      const absent = await failure(
        host.upload('dsh-no-such', '/tmp', [{ path: 'a', content: '' }]),
      );
      expect(absent.kind).toBe('not-found');
      expect(absent.message).toContain('dsh-no-such');
    });
  });

  describe('signal', () => {
    it('delivers a signal to the main process, which handles it and runs on', async () => {
      const container = await raw.createContainer({
        name: nextName(),
        Image: 'dns:latest',
        Cmd: [
          'sh',
          '-c',
          'trap "echo hup >> /tmp/hups" HUP; trap "exit 0" TERM; ' +
            'touch /tmp/ready; while true; do sleep 0.1; done',
        ],
        Labels: { [TEST_LABEL]: '1', [SUITE_LABEL]: SUITE },
        HostConfig: { NetworkMode: networkMode },
      });
      await container.start();
      await expect
        .poll(async () => (await host.exec(container.id, ['ls', '/tmp'])).stdout)
        .toContain('ready');

      requests.length = 0;
      await host.signal(container.id, 'HUP');
      await expect
        .poll(async () => (await host.exec(container.id, ['cat', '/tmp/hups'])).stdout)
        .toBe('hup\n');
      expect(requests[0]).toEqual({ host: engine, method: 'signal', write: true });
      await host.signal(container.id, 'SIGHUP');
      await expect
        .poll(async () => (await host.exec(container.id, ['cat', '/tmp/hups'])).stdout)
        .toBe('hup\nhup\n');
      expect(await host.containerStatus(container.id)).toMatchObject({ running: true });

      await host.signal(container.id, 'TERM');
      await expect
        .poll(async () => host.containerStatus(container.id))
        .toEqual({ running: false, exitCode: 0 });
    });

    it('refuses a stopped container, an absent one and an unknown signal', async () => {
      const id = await created();
      expect((await failure(host.signal(id, 'HUP'))).kind).toBe('conflict');
      expect((await failure(host.signal('dsh-no-such', 'HUP'))).kind).toBe('not-found');
      await host.startContainer(id);
      const unknown = await failure(host.signal(id, 'NOSUCHSIGNAL'));
      expect(unknown.kind).toBe('engine');
      expect(unknown.message).toMatch(/signal/i);
      expect(await host.containerStatus(id)).toMatchObject({ running: true });
    });
  });
});
