import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encryptPlain } from '../../src/secrets/encrypt-plain.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { startGitHttpServer, type GitHttpServer } from '../gitserver/git-http-server.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  botCommitOn,
  type DaemonProcess,
  startDaemon,
  statusOf,
  trailerOf,
  waitFor,
} from './daemon-process.js';

const NAME = `daemon-test-${String(process.pid)}`;
const TOKEN = 'webhook-token-for-the-daemon-test';
const dns1 = `${PREFIX}-d-dns1`;
const webui1 = `${PREFIX}-d-webui1`;
const webui2 = `${PREFIX}-d-webui2`;
const base: Services = { dns: { [dns1]: { host: 'local' } }, webui: { [webui1]: { host: 'h2' } } };
const withWebui2: Services = { ...base, webui: { ...base.webui, [webui2]: { host: 'h2' } } };
const envFile = (services: Services) => environmentText(services, { name: NAME });

interface Status {
  head: string | null;
  lastApplied: { commit: string; converged: boolean } | null;
  degraded: string | null;
  invalid: { file: string; line: number; message: string }[] | null;
}

describe('dockstack daemon against a smart-HTTP remote and real engines', () => {
  const root = tempDir();
  let server: GitHttpServer;
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  let workdir: string;

  const status = () => statusOf<Status>(daemon);
  const webhook = () =>
    fetch(`${daemon?.base ?? ''}/webhooks/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  const show = (path: string) => git(remote.bare, ['show', `main:${path}`]);
  const trailer = (sha: string, key: string) => trailerOf(remote.bare, sha, key);
  /** The bot commit on the remote that records `applied`. */
  const botCommitFor = (applied: string) => botCommitOn(remote, applied);
  const start = async () => {
    daemon = await startDaemon(
      [
        '--repo',
        server.url('env.git'),
        '--workdir',
        workdir,
        '--interval',
        '1',
        '--bot-name',
        'dockstack bot',
        '--bot-email',
        'bot@dockstack.test',
      ],
      {
        DOCKSTACK_WEBHOOK_TOKEN: TOKEN,
      },
    );
  };

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      remote = createRemote(root.path, { 'environment.yaml': envFile(base) });
      server = await startGitHttpServer(root.path);
      workdir = join(root.path, 'work');
      await start();
    },
    teardown: async () => {
      await daemon?.stop();
      await server.stop();
      await removeTestContainers();
      root.remove();
    },
  });
  beforeAll(() => undefined);
  afterAll(() => undefined);

  it('applies the first commit and writes back what runs', async () => {
    const first = remote.head();
    const bot = await botCommitFor(first);
    expect(git(remote.bare, ['log', '-1', '--format=%an <%ae>', bot])).toBe(
      'dockstack bot <bot@dockstack.test>',
    );
    expect(trailer(bot, 'Dockstack-Result')).toBe('converged');
    const running = (await testContainers()).filter((c) => c.name.startsWith(`${PREFIX}-d-`));
    expect(running.map((c) => [c.name, c.engine, c.running])).toEqual([
      [dns1, 'local', true],
      [webui1, 'h2', true],
    ]);
    const env = parse(show('environment.yaml')) as {
      registered_services: Record<string, string[]>;
    };
    expect(env.registered_services).toEqual({ dns: [dns1], webui: [webui1] });
    expect(show('manifests/site.pp')).toContain(`node '${webui1}.endor.lab' {`);
  });

  it('deploys webui2 from a pushed commit, on the webhook, and registers it', async () => {
    const commit = remote.push({ 'environment.yaml': envFile(withWebui2) }, 'Add webui2');
    expect((await webhook()).status).toBe(202);
    const bot = await botCommitFor(commit);
    const message = git(remote.bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toContain(`create: ${webui2} on h2`);
    // webui1 keeps running and reads the webui members: the bot's commit says its configuration
    // changes, and counts it in a trailer; its stand-in image has no agent to kick.
    expect(message).toContain(
      'Configuration changed, not kicked (stopped, or no Puppet agent in the image):\n' +
        `  ${webui1}: members of webui changed: + ${webui2}.endor.lab\n`,
    );
    expect(message).toContain('Dockstack-Refreshed: 1');
    expect(message).not.toContain('Dockstack-Kicked');
    expect(trailer(bot, 'Dockstack-Configured')).toBe(commit);
    expect((await testContainers()).find((c) => c.name === webui2)?.running).toBe(true);
    const env = parse(show('environment.yaml')) as {
      registered_services: Record<string, string[]>;
    };
    expect(env.registered_services.webui).toEqual([webui1, webui2]);
    expect(show('manifests/site.pp')).toContain(
      `node '${webui2}.endor.lab' {\n  class { '::contrail::common': }\n  class { '::contrail::webui': }\n}`,
    );
    expect(show('dnsmasq/hosts')).toMatch(/^#/);
  });

  it('removes webui2 from a commit that removes it, found by polling', async () => {
    const commit = remote.push({ 'environment.yaml': envFile(base) }, 'Remove webui2');
    const bot = await botCommitFor(commit);
    expect(git(remote.bare, ['log', '-1', '--format=%B', bot])).toContain(
      `  ${webui1}: members of webui changed: − ${webui2}.endor.lab\n`,
    );
    expect((await testContainers()).map((c) => c.name)).not.toContain(webui2);
    const env = parse(show('environment.yaml')) as {
      registered_services: Record<string, string[]>;
    };
    expect(env.registered_services.webui).toEqual([webui1]);
    expect(show('manifests/site.pp')).not.toContain(webui2);
  });

  it('applies nothing from an invalid commit, reports it, and applies the next valid one', async () => {
    const before = (await testContainers()).map((c) => `${c.name} ${c.id}`);
    const headBefore = remote.head();
    const broken = envFile(withWebui2).replace(`${webui2}:`, 'Web_UI2:');
    const bad = remote.push({ 'environment.yaml': broken }, 'Add a container with a bad name');
    expect(headBefore).not.toBe(bad);
    const invalid = await waitFor('the invalid commit reported', async () => {
      const s = await status();
      return s.head === bad && s.invalid !== null ? s.invalid : undefined;
    });
    expect(invalid[0]?.message).toContain("'Web_UI2': a container name must be an RFC 1123 label");
    expect(remote.head()).toBe(bad);
    expect((await testContainers()).map((c) => `${c.name} ${c.id}`)).toEqual(before);
    const metrics = await (await fetch(`${daemon?.base ?? ''}/metrics`)).text();
    expect(metrics).toMatch(/dockstack_invalid_commits_total 1/);

    // Its secrets file encrypted to a key the daemon does not have: nothing applied either, and
    // /api/status names the file and the key it needs, never a value.
    const stranger = await identityToRecipient(await generateX25519Identity());
    const sealed = await encryptPlain({
      text: 'common:\n  galera_password: never-shown-4b1e\n',
      file: 'secrets.sops.yaml',
      recipients: [stranger],
      rules: {},
      now: new Date(),
    });
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
    const locked = remote.push(
      { 'environment.yaml': envFile(withWebui2), 'secrets.sops.yaml': sealed.text },
      'Add webui2, with the secrets in secrets.sops.yaml',
    );
    const missing = await waitFor('the commit without its key reported', async () => {
      const s = await status();
      return s.head === locked && s.invalid !== null ? s.invalid : undefined;
    });
    expect(missing[0]?.file).toBe('secrets.sops.yaml');
    expect(missing[0]?.message).toMatch(
      /^cannot decrypt: (no age identity found|no identity tried is a recipient)/,
    );
    expect(missing[0]?.message).toContain(stranger);
    expect(JSON.stringify(await status())).not.toContain('never-shown-4b1e');
    expect((await testContainers()).map((c) => `${c.name} ${c.id}`)).toEqual(before);
    git(remote.clone, ['rm', '--quiet', 'secrets.sops.yaml']);

    const good = remote.push({ 'environment.yaml': envFile(withWebui2) }, 'Fix the name');
    await botCommitFor(good);
    expect((await testContainers()).find((c) => c.name === webui2)?.running).toBe(true);
  });

  it("keeps a person's push that races the bot's write-back, without force", async () => {
    // The person's commit lands the moment the bot's push arrives, after the bot looked at the
    // branch: the bot loses the race once and must build its commit again on top of it.
    // The change goes to main; the person's next commit on top of it waits on a side branch.
    git(remote.clone, ['pull', '--quiet', '--ff-only', 'origin', 'main']);
    const next = show('environment.yaml').includes(webui2) ? base : withWebui2;
    writeFileSync(join(remote.clone, 'environment.yaml'), envFile(next));
    git(remote.clone, ['commit', '--quiet', '-am', 'Toggle webui2']);
    const change = git(remote.clone, ['rev-parse', 'HEAD']);
    writeFileSync(join(remote.clone, 'NOTES.md'), 'maintenance window on friday\n');
    git(remote.clone, ['add', 'NOTES.md']);
    git(remote.clone, ['commit', '--quiet', '-m', 'Add a note']);
    const person = git(remote.clone, ['rev-parse', 'HEAD']);
    git(remote.clone, ['push', '--quiet', 'origin', `${person}:refs/heads/pending`]);
    server.beforeNextPush(() =>
      git(remote.bare, ['update-ref', 'refs/heads/main', person, change]),
    );
    git(remote.clone, ['push', '--quiet', 'origin', `${change}:refs/heads/main`]);
    const bot = await botCommitFor(change);
    expect(
      git(remote.bare, ['rev-parse', `${bot}^`]),
      "the bot rebuilt its commit on the person's",
    ).toBe(person);
    expect(remote.isAncestor(change, bot)).toBe(true);
    const history = remote.history();
    for (let i = 1; i < history.length; i++) {
      expect(
        remote.isAncestor(history[i - 1] ?? '', history[i] ?? ''),
        'every update of main is a fast-forward',
      ).toBe(true);
    }
  });

  it('survives the remote going away and coming back', async () => {
    await server.stop();
    await waitFor('the daemon to report itself degraded', async () => {
      const s = await status();
      return s.degraded !== null ? s : undefined;
    });
    const ready = await fetch(`${daemon?.base ?? ''}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${daemon?.base ?? ''}/healthz`)).status).toBe(200);
    await server.start();
    const next = show('environment.yaml').includes(webui2) ? base : withWebui2;
    const commit = remote.push(
      { 'environment.yaml': envFile(next) },
      'Toggle webui2 after the outage',
    );
    await botCommitFor(commit);
    await waitFor('the daemon to be ready again', async () =>
      (await fetch(`${daemon?.base ?? ''}/readyz`)).status === 200 ? true : undefined,
    );
    expect(daemon?.child.exitCode).toBeNull();
  }, 90_000);

  it('converges without duplicates after being killed mid-apply and restarted', async () => {
    const many: Services = {
      ...base,
      galera: Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [
          `${PREFIX}-d-gal${String(i + 1)}`,
          { host: i % 2 === 0 ? 'local' : 'h2' },
        ]),
      ),
      control: Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [
          `${PREFIX}-d-ctrl${String(i + 1)}`,
          { host: i % 2 === 0 ? 'h2' : 'local' },
        ]),
      ),
    };
    const commit = remote.push({ 'environment.yaml': envFile(many) }, 'Twelve more containers');
    await webhook();
    await waitFor('the apply to be under way', async () => {
      const created = (await testContainers()).filter((c) => c.name.includes('-d-gal'));
      return created.length > 0 ? created : undefined;
    });
    await daemon?.kill();
    await start();
    const bot = await botCommitFor(commit);
    expect(trailer(bot, 'Dockstack-Result')).toBe('converged');
    const found = (await testContainers()).filter((c) => c.name.startsWith(`${PREFIX}-d-`));
    const names = found.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      Object.values(many)
        .flatMap((c) => Object.keys(c))
        .sort(),
    );
    expect(found.every((c) => c.running)).toBe(true);
  }, 90_000);
});
