import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ROOT } from '../cli/run-dockstack.js';
import { tempDir } from '../git/git-fixture.js';
import { useTestbed } from '../testbed/use-testbed.js';

const SCRIPT = join(ROOT, 'images/prepare-host.sh');
/** The tools the script may use besides the ones it looks for; git, docker and dockerd are not among them. */
const TOOLS = ['ldd', 'sed', 'stat', 'seq', 'sleep', 'cat', 'dirname', 'setsid'];

describe('images/prepare-host.sh, run before the main job', () => {
  const root = tempDir();
  const bin = join(root.path, 'bin');
  const installs = join(root.path, 'installs');

  /** A machine with neither git nor Docker: PATH holds only a few tools and apt-get/dpkg that record being called. */
  const bareMachine = () => {
    mkdirSync(bin, { recursive: true });
    // Readable by the unprivileged user of the not-root case.
    chmodSync(root.path, 0o755);
    for (const tool of TOOLS) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], {
        encoding: 'utf8',
      }).stdout.trim();
      if (found === '') throw new Error(`${tool} is not on this machine`);
      if (!existsSync(join(bin, tool))) symlinkSync(found, join(bin, tool));
    }
    for (const tool of ['apt-get', 'dpkg']) {
      writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> ${installs}\nexit 1\n`, {
        mode: 0o755,
      });
    }
  };
  const osRelease = (id: string) => {
    const file = join(root.path, `os-release-${id}`);
    writeFileSync(file, `ID=${id}\nPRETTY_NAME="${id}"\n`);
    return file;
  };
  const setpriv = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();
  const run = (env: NodeJS.ProcessEnv, asUser?: number) => {
    const command =
      asUser === undefined
        ? ['/bin/bash', SCRIPT]
        : [
            setpriv,
            `--reuid=${String(asUser)}`,
            `--regid=${String(asUser)}`,
            '--clear-groups',
            '/bin/bash',
            SCRIPT,
          ];
    const result = spawnSync(command[0] ?? '', command.slice(1), {
      encoding: 'utf8',
      env: { LANG: 'C', ...env },
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  useTestbed({
    setup: () => {
      bareMachine();
      return Promise.resolve();
    },
    teardown: () => {
      root.remove();
      return Promise.resolve();
    },
  });

  it('installs nothing and says so where everything is there', () => {
    const ready = run({ PATH: process.env.PATH ?? '' });
    expect(ready.stderr).toBe('');
    expect(ready.stdout).toBe(
      'prepare-host: ready: git, busybox-static and the Docker Engine at unix:///var/run/docker.sock\n',
    );
    expect(ready.code).toBe(0);
  });

  it('names the apt-get command to run and stops when not root, installing nothing', () => {
    const refused = run({ PATH: bin, DOCKSTACK_OS_RELEASE: osRelease('debian') }, 65534);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'prepare-host: missing: git docker.io. Install them as root, start the engine, then run this again:\n' +
        '  apt-get update && apt-get install -y --no-install-recommends git docker.io\n',
    );
    expect(existsSync(installs)).toBe(false);
  });

  it('says what to install on another distribution and stops, installing nothing', () => {
    const refused = run({ PATH: bin, DOCKSTACK_OS_RELEASE: osRelease('fedora') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "prepare-host: missing: git docker.io (Debian's package names), and this is fedora, not Debian or Ubuntu.\n",
    );
    expect(refused.stderr).toContain('Docker Engine (see https://docs.docker.com/engine/install/)');
    expect(existsSync(installs)).toBe(false);
  });

  it('does not start an engine it was not asked for: a DOCKER_HOST that does not answer stops it', () => {
    const refused = run({
      PATH: process.env.PATH ?? '',
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'prepare-host: no Docker Engine answers at unix:///nonexistent/docker.sock (DOCKER_HOST); start it, or unset DOCKER_HOST to use the local one\n',
    );
  });
});
