import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { git, tempDir } from '../git/git-fixture.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { type DaemonProcess, startDaemon, statusOf, waitFor } from './daemon-process.js';

const NAME = `working-copy-test-${String(process.pid)}`;
const dns1 = `${PREFIX}-w-dns1`;
const webui1 = `${PREFIX}-w-webui1`;
const webui2 = `${PREFIX}-w-webui2`;
const base: Services = { dns: { [dns1]: { host: 'local' } } };
const envFile = (services: Services) => environmentText(services, { name: NAME });

interface Status {
  lastApplied: { commit: string } | null;
  pendingEdit?: {
    valid: boolean;
    counts?: { create: number };
    plan?: string;
    refreshed?: { name: string; reasons: string[] }[];
  };
}

describe('dockstack daemon on a local working copy', () => {
  const root = tempDir();
  const repo = join(root.path, 'env');
  let daemon: DaemonProcess | undefined;
  const status = () => statusOf<Status>(daemon);
  const head = () => git(repo, ['rev-parse', 'HEAD']);

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      git(root.path, ['init', '--quiet', '--initial-branch=main', repo]);
      git(repo, ['config', 'receive.denyCurrentBranch', 'updateInstead']);
      writeFileSync(join(repo, 'environment.yaml'), envFile(base));
      git(repo, ['add', '--all']);
      git(repo, ['commit', '--quiet', '-m', 'Start']);
      daemon = await startDaemon([
        '--repo',
        repo,
        '--workdir',
        join(root.path, 'work'),
        '--interval',
        '60',
      ]);
    },
    teardown: async () => {
      await daemon?.stop();
      await removeTestContainers();
      root.remove();
    },
  });

  it('shows the plan of an uncommitted edit, and applies it once committed', async () => {
    const first = head();
    await waitFor('the first commit applied', async () =>
      (await status()).lastApplied?.commit === first ? true : undefined,
    );
    await waitFor('the bot commit in the working copy', () =>
      head() !== first ? true : undefined,
    );
    expect(
      (parse(git(repo, ['show', 'HEAD:environment.yaml'])) as { registered_services: unknown })
        .registered_services,
    ).toEqual({ dns: [dns1] });

    writeFileSync(
      join(repo, 'environment.yaml'),
      git(repo, ['show', 'HEAD:environment.yaml']).replace(
        '\nservices:\n  dns:',
        `\nservices:\n  webui:\n    ${webui1}:\n      host: h2\n  dns:`,
      ),
    );
    const edit = await waitFor('the plan of the edit', async () => (await status()).pendingEdit);
    expect(edit.valid).toBe(true);
    expect(edit.counts?.create).toBe(1);
    expect(edit.plan).toContain(webui1);
    expect((await testContainers()).map((c) => c.name)).toEqual([dns1]);

    git(repo, ['commit', '--quiet', '-am', 'Add webui1']);
    const commit = head();
    await waitFor('the commit applied', async () =>
      (await status()).lastApplied?.commit === commit ? true : undefined,
    );
    expect((await testContainers()).find((c) => c.name === webui1)?.running).toBe(true);
    await waitFor('the bot commit after it', () =>
      git(repo, ['log', '-1', '--format=%(trailers:key=Dockstack-Applied,valueonly)']).trim() ===
      commit
        ? true
        : undefined,
    );
  }, 60_000);

  it('still shows an edit after its own write-back replaced the file in the working copy', async () => {
    // git's updateInstead deletes and re-creates the file on every bot push into the checkout.
    await waitFor('the write-back in the working tree', async () =>
      (await status()).pendingEdit === undefined &&
      git(repo, ['status', '--porcelain']) === '' &&
      git(repo, ['show', 'HEAD:environment.yaml']).includes(`- ${webui1}`)
        ? true
        : undefined,
    );
    writeFileSync(
      join(repo, 'environment.yaml'),
      git(repo, ['show', 'HEAD:environment.yaml']).replace(
        `\n    ${webui1}:\n      host: h2\n`,
        `\n    ${webui1}:\n      host: h2\n    ${webui2}:\n      host: h2\n`,
      ),
    );
    const edit = await waitFor(
      'the plan of the new edit',
      async () => (await status()).pendingEdit,
    );
    expect(edit.counts?.create).toBe(1);
    expect(edit.plan).toContain(webui2);
    // webui1 runs and reads the webui members: its configuration changes, and the plan says so.
    const why = `members of webui changed: + ${webui2}.endor.lab`;
    expect(edit.refreshed).toEqual([{ name: webui1, reasons: [why], peers: true }]);
    // A stand-in has no agent to kick: the plan says its configuration changes all the same.
    expect(edit.plan).toContain(
      `Configuration changed, not kicked (stopped, or no Puppet agent in the image):\n  ${webui1}: ${why}\n`,
    );
  }, 60_000);
});
