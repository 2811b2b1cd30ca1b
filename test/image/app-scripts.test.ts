/**
 * The application images' own scripts, run in containers of the real openstack image on the local
 * engine: what they write from their environment and read from Puppet's files is data, never
 * code. Needs the real images (TAG=real images/build.sh --app); fails saying so without them.
 */
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { tarArchive } from '../../src/hosts/tar-archive.js';
import { REAL_APP_TAG } from '../configure/configure-testbed.js';
import { waitFor } from '../daemon/daemon-process.js';
import {
  LOCAL,
  rawClient,
  removeTestContainers,
  SUITE_LABEL,
  TEST_LABEL,
} from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';

const SUITE = `app-scripts-${String(process.pid)}`;
const IMAGE = `openstack:${REAL_APP_TAG}`;
/** What every hostile value below tries to make. */
const MARKER = '/tmp/dockstack-pwned';
const RUN_MARKER = `$(touch ${MARKER})\`touch ${MARKER}\`;touch ${MARKER}`;

const docker = (): Docker => rawClient(LOCAL);

/** A stopped container of the openstack image, labelled as this suite's. */
async function create(name: string, env: string[]): Promise<Docker.Container> {
  return docker().createContainer({
    name: `${SUITE}-${name}`,
    Image: IMAGE,
    Hostname: 'os9',
    Domainname: 'endor.lab',
    Env: env,
    Labels: { [TEST_LABEL]: '1', [SUITE_LABEL]: SUITE },
    HostConfig: { NetworkMode: 'none' },
  });
}

/** Runs `command` in the running `container`; its exit code and output (both streams). */
async function run(
  container: Docker.Container,
  command: string[],
): Promise<{ code: number; output: string }> {
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  return {
    code: (await exec.inspect()).ExitCode ?? -1,
    output: demultiplexed(Buffer.concat(chunks)),
  };
}

/** The exit code of `container` once it stopped, within `ms`. */
function stoppedWith(container: Docker.Container, ms: number): Promise<number> {
  return waitFor(
    'the container to stop',
    async () => {
      const state = (await container.inspect()).State;
      return state.Running ? undefined : state.ExitCode;
    },
    ms,
  );
}

/** The text of a multiplexed stream: an 8-byte header before each frame. */
function demultiplexed(raw: Buffer): string {
  let text = '';
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

/** A file of a container, running or not, as text; '' when it is not there. */
async function fileText(container: Docker.Container, path: string): Promise<string> {
  const archive = await container.getArchive({ path }).catch(() => undefined);
  if (archive === undefined) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
  const tar = Buffer.concat(chunks);
  const size = parseInt(tar.subarray(124, 136).toString().replace(/\0.*$/, '').trim(), 8);
  return tar.subarray(512, 512 + size).toString('utf8');
}

describe("the application images' scripts", () => {
  useTestbed({
    setup: async () => {
      await docker()
        .getImage(IMAGE)
        .inspect()
        .catch(() => {
          throw new Error(
            `no ${IMAGE}: run TAG=${REAL_APP_TAG} images/build.sh --app unix:///run/ds-h2.sock`,
          );
        });
      await removeTestContainers(LOCAL, SUITE);
    },
    teardown: () => removeTestContainers(LOCAL, SUITE),
  });

  it('refuse a puppet server name that would add a line to puppet.conf, writing nothing', async () => {
    const server = `puppet1\nprerun_command = /bin/sh -c 'touch ${MARKER}'`;
    const container = await create('agent', [
      `DOCKSTACK_PUPPET_SERVER=${server}`,
      'DOCKSTACK_DOMAIN=endor.lab',
      'DOCKSTACK_PUPPET_WAIT=5',
    ]);
    await container.start();
    const exited = await stoppedWith(container, 60_000);
    const logs = demultiplexed(await container.logs({ stdout: true, stderr: true }));
    expect(exited).toBe(2);
    expect(logs).toContain(
      "dockstack-run: DOCKSTACK_PUPPET_SERVER is not a DNS name: $'puppet1\\nprerun_command = /bin/sh -c \\'touch /tmp/dockstack-pwned\\'.endor.lab'; refusing to write it into a configuration file",
    );
    expect(await fileText(container, '/etc/puppet/puppet.conf')).not.toContain('prerun_command');
    expect(await fileText(container, MARKER)).toBe('');
  }, 60_000);

  /** `value` as one word of a POSIX shell, as mymod::shell_quote writes it. */
  const shellQuote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

  /** A container whose bootstrap file is `lines`, started; it runs Keystone on SQLite. */
  const keystone = async (name: string, lines: string[]) => {
    const container = await create(name, []);
    await container.putArchive(
      tarArchive([{ path: 'bootstrap', content: `${lines.join('\n')}\n`, mode: 0o600 }]),
      { path: '/etc/dockstack/keystone' },
    );
    await container.start();
    return container;
  };

  it("read Keystone's bootstrap file as data: shell code in its values runs nowhere, and they work", async () => {
    const password = `p'a"s${RUN_MARKER}\\ #-w=rd|&'`;
    const user = `-ad'm"in${RUN_MARKER}`;
    // Keystone takes project names of 64 characters at most.
    const project = `p'r"oj $(touch ${MARKER})|x`;
    const [quoted, unquoted] = await Promise.all([
      keystone('quoted', [
        `ADMIN_PASSWORD=${shellQuote(password)}`,
        `ADMIN_USER=${shellQuote(user)}`,
        `ADMIN_PROJECT=${shellQuote(project)}`,
        `PUBLIC_URL=${shellQuote('http://os9.endor.lab:5000/v3/')}`,
      ]),
      // As the modules wrote it before names were typed: a VIP name with shell code, unquoted.
      keystone('unquoted', [
        `ADMIN_PASSWORD=${shellQuote('password')}`,
        `PUBLIC_URL=http://vip${RUN_MARKER}.endor.lab:5000/v3/`,
      ]),
    ]);
    const healthy = await waitFor(
      'Keystone healthy on SQLite, bootstrapped from the quoted file, or stopped',
      async () => {
        const state = (await quoted.inspect()).State;
        if (!state.Running) return false;
        return state.Health?.Status === 'healthy' ? true : undefined;
      },
      300_000,
    );
    expect(healthy, demultiplexed(await quoted.logs({ stdout: true, stderr: true }))).toBe(true);
    const auth = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { id: 'default' }, password } },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    });
    const token = await run(quoted, [
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Content-Type: application/json',
      '-d',
      auth,
      'http://127.0.0.1:5000/v3/auth/tokens',
    ]);
    expect(token).toEqual({ code: 0, output: '201' });
    expect(await run(quoted, ['test', '-e', MARKER])).toEqual({ code: 1, output: '' });

    // The file with an unquoted value is refused before Keystone starts: the container stops.
    const stopped = await stoppedWith(unquoted, 300_000);
    const logs = demultiplexed(await unquoted.logs({ stdout: true, stderr: true }));
    expect(stopped).not.toBe(0);
    expect(logs).toContain(
      'dockstack-service: /etc/dockstack/keystone/bootstrap: PUBLIC_URL is not one quoted shell word; refusing the file',
    );
    expect(await fileText(unquoted, MARKER)).toBe('');
  }, 360_000);
});
