import {
  chmodSync,
  chownSync,
  lchownSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { LABELS } from '../../src/hosts/ownership-labels.js';
import { runDockstack } from '../cli/run-dockstack.js';
import { waitFor } from '../daemon/daemon-process.js';
import { git, tempDir } from '../git/git-fixture.js';
import { LOCAL, rawClient, TEST_LABEL } from '../testbed/docker-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';

/** The image under test: DOCKSTACK_IMAGE, as images/build.sh --daemon names it. */
const IMAGE = process.env.DOCKSTACK_IMAGE ?? 'dockstack:latest';
const READ_TOKEN = 'read-token-of-the-image-test-0123';
const NAME = `image-test-${String(process.pid)}`;
const DAEMON = `dockstack-${NAME}`;
/** The image's user, which owns the env repo it writes to. */
const UID = 10001;
const SOCKET = '/var/run/docker.sock';
const SEED_NAMES = [
  'cas1',
  'col1',
  'conf1',
  'ctrl1',
  'dns1',
  'dns2',
  'gal1',
  'ha1',
  'ha2',
  'os1',
  'puppet1',
  'puppet2',
  'webui1',
];

const bearer = { authorization: `Bearer ${READ_TOKEN}` };

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
}

describe('the dockstack image', () => {
  const root = tempDir();
  const repoDir = join(root.path, 'env-repo');
  const docker = rawClient(LOCAL);
  let base = '';

  const ours = async () =>
    docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.environment}=${NAME}`] },
    });
  const removeOurs = async () => {
    await docker
      .getContainer(DAEMON)
      .remove({ force: true })
      .catch(() => undefined);
    for (const c of await ours()) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const network of await docker.listNetworks({
      filters: { label: [`${LABELS.environment}=${NAME}`] },
    })) {
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
    }
  };
  const logs = async () =>
    (await docker.getContainer(DAEMON).logs({ stdout: true, stderr: true, tail: 40 })).toString(
      'utf8',
    );

  useTestbed({
    setup: async () => {
      const image = await docker
        .getImage(IMAGE)
        .inspect()
        .catch(() => undefined);
      if (image === undefined) {
        throw new Error(
          `no ${IMAGE} on the local engine: build it with bash images/build.sh --daemon`,
        );
      }
      const taken = (await docker.listContainers({ all: true }))
        .map((c) => (c.Names[0] ?? '').replace(/^\//, ''))
        .filter((name) => SEED_NAMES.includes(name));
      if (taken.length > 0) {
        throw new Error(
          `the seed's container names are taken on the local engine (${taken.join(', ')}): ` +
            'stop the daemon that runs them and remove them',
        );
      }
      await removeOurs();

      // The env repo a user makes with `dockstack init`, under its own environment name.
      // init puts the demo key that opens the example's secrets.sops.yaml in the user's sops key
      // file; the container gets it as a mounted key file.
      const config = join(root.path, 'config');
      const made = runDockstack(['init', repoDir, '--docker', `unix://${SOCKET}`], undefined, {
        env: { XDG_CONFIG_HOME: config },
      });
      expect(made.code, made.stderr).toBe(0);
      const keyFile = join(config, 'sops', 'age', 'keys.txt');
      chmodSync(keyFile, 0o644);
      const file = join(repoDir, 'environment.yaml');
      writeFileSync(file, `name: ${NAME}\n${readFileSync(file, 'utf8')}`);
      git(repoDir, ['commit', '-qam', 'Name the environment']);
      chmodSync(root.path, 0o755);
      chownTree(repoDir, UID);
      // The read token a listener beyond the container's loopback needs, in a file it can read.
      const tokenFile = join(root.path, 'read-token');
      writeFileSync(tokenFile, `${READ_TOKEN}\n`, { mode: 0o400 });
      chownSync(tokenFile, UID, UID);

      const container = await docker.createContainer({
        name: DAEMON,
        Image: IMAGE,
        Labels: { [TEST_LABEL]: '1' },
        Env: [
          'DOCKSTACK_REPO=/srv/env-repo',
          'DOCKSTACK_INTERVAL=2',
          'SOPS_AGE_KEY_FILE=/run/secrets/age-keys.txt',
          'DOCKSTACK_READ_TOKEN_FILE=/run/secrets/read-token',
        ],
        ExposedPorts: { '3288/tcp': {} },
        HostConfig: {
          Binds: [
            `${SOCKET}:${SOCKET}`,
            `${repoDir}:/srv/env-repo`,
            `${keyFile}:/run/secrets/age-keys.txt:ro`,
            `${tokenFile}:/run/secrets/read-token:ro`,
          ],
          GroupAdd: [String(statSync(SOCKET).gid)],
          PortBindings: { '3288/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        },
      });
      await container.start();
      const info = await container.inspect();
      const port = info.NetworkSettings.Ports['3288/tcp']?.[0]?.HostPort;
      if (port === undefined) throw new Error(`${DAEMON} publishes no port`);
      base = `http://127.0.0.1:${port}`;
    },
    teardown: async () => {
      try {
        await removeOurs();
      } finally {
        root.remove();
      }
    },
  });

  it('runs the daemon as its own user and converges the seed environment from a local env repo', async () => {
    const converged = await waitFor(
      'the seed environment converged by the daemon in the image',
      async () => {
        const response = await fetch(`${base}/api/status`, { headers: bearer }).catch(
          () => undefined,
        );
        if (response?.ok !== true) return undefined;
        const status = (await response.json()) as Status;
        return status.lastApplied?.converged === true ? status.lastApplied : undefined;
      },
      180_000,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${DAEMON}'s last lines:\n${await logs()}`);
    });

    const running = (await ours()).filter((c) => c.State === 'running');
    expect(running.map((c) => c.Names[0]?.replace(/^\//, '')).sort()).toEqual(
      [...SEED_NAMES].sort(),
    );
    // Its write-back is in the repo, committed by the bot on top of the user's commit.
    expect(git(repoDir, ['-c', 'safe.directory=*', 'log', '-1', '--format=%s'])).toMatch(
      /^dockstack: converged at /,
    );
    expect(converged.commit).toMatch(/^[0-9a-f]{40}$/);

    const user = await docker.getContainer(DAEMON).inspect();
    expect(user.Config.User).toBe('dockstack');
    const top = (await docker.getContainer(DAEMON).top({ ps_args: '-o pid,uid,args' })) as {
      Processes: string[][];
    };
    const daemonProcess = top.Processes.find((p) => p.some((field) => field.includes('daemon')));
    expect(daemonProcess?.[1]).toBe(String(UID));

    // Its listener, published on the host's loopback, wants the read token.
    expect((await fetch(`${base}/api/status`)).status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const page = await fetch(`${base}/`, { headers: bearer });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const name of SEED_NAMES) expect(html).toContain(name);
  }, 240_000);
});

/** chown -R: the env repo, to the image's user. */
function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    lchownSync(join(dir, entry), uid, uid);
  }
}
