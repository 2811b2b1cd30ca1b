import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';

import { encryptPlain } from '../../src/secrets/encrypt-plain.js';
import { environmentText, removeTestContainers, type Services } from '../apply/apply-env.js';
import { git } from '../git/git-fixture.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { waitFor } from './daemon-process.js';
import { containerName, startGitHubStack, type GitHubStack } from './github-stack.js';
import { testTempDir } from '../testbed/temp-dirs.js';

const PLAN_MARKER = '<!-- dockstack:plan -->';
const MARKER = 'REPLY-BODY-OF-THE-TRAP';

describe('a pull request is planned with the hosts of its base branch', () => {
  const tag = 'gp';
  const name = `github-${tag}-${String(process.pid)}`;
  const dns1 = containerName(tag, 'dns1');
  const webui1 = containerName(tag, 'webui1');
  const webui9 = containerName(tag, 'webui9');
  const base: Services = {
    dns: { [dns1]: { host: 'local' } },
    webui: { [webui1]: { host: 'h2' } },
  };
  const folder = testTempDir('pr-hosts');
  const fifo = join(folder, 'ca.pem');
  let stack: GitHubStack;
  let trap: Server;
  let trapPort = 0;
  const requests: string[] = [];

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      execFileSync('mkfifo', [fifo]);
      // An endpoint a pull request might point a host at: it answers everything with its body.
      trap = createServer((req, res) => {
        requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end(`<html><body>${MARKER}</body></html>`);
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      trapPort = (trap.address() as AddressInfo).port;
      stack = await startGitHubStack('token over smart HTTP', name, base);
      await stack.botCommitFor(stack.remote.head());
    },
    teardown: async () => {
      await stack.stop();
      trap.close();
      await removeTestContainers();
      rmSync(folder, { recursive: true, force: true });
    },
  });

  it('plans hosts whose entries it changes, and hosts the base does not name, offline, reaching none of them', async () => {
    const changed = environmentText(
      { ...base, webui: { [webui1]: { host: 'h2' }, [webui9]: { host: 'trap2' } } },
      {
        name,
        hosts: {
          h2: {
            docker: `tcp://127.0.0.1:${String(trapPort)}`,
            tls: { ca: fifo, cert: '/etc/hostname', key: '/proc/self/environ' },
          },
          trap2: { docker: `tcp://127.0.0.1:${String(trapPort)}` },
        },
      },
    );
    const head = stack.branch('hosts', changed, 'Point h2 elsewhere');
    const pull = stack.github.openPull({ head: 'hosts', base: 'main', title: 'Hosts' }).number;
    const status = await waitFor('the plan of the pull request', () =>
      stack.github.statuses.find(
        (s) => s.sha === head && s.context === 'dockstack/plan' && s.state !== 'pending',
      ),
    );
    expect(status.state).toBe('success');
    expect(status.description).toBe('2 to create; 2 host(s) planned offline');
    const body =
      stack.github.comments.find((c) => c.issueNumber === pull && c.body.includes(PLAN_MARKER))
        ?.body ?? '';
    expect(body).toContain('🔐 **This pull request changes `hosts:`.**');
    expect(body).toContain('- `h2`: its `hosts:` entry changes');
    expect(body).toContain('- `trap2`: not a host of the base branch');
    // As if they ran nothing: what runs on h2 is not looked at with the pull request's endpoint.
    expect(body).toContain(`| ➕ create | \`${webui1}\` | webui |`);
    expect(body).toContain(`| ➕ create | \`${webui9}\` | webui |`);
    // The base's own host is observed as the base says: dns1 runs there, nothing to do.
    expect(body).not.toMatch(new RegExp(`\\| [^|]+ \\| \`${dns1}\` \\|`));
    expect(requests).toEqual([]);
    expect(body).not.toContain(MARKER);
    const shown = (
      (await (await fetch(`${stack.daemon.base}/api/status`)).json()) as {
        pulls: { number: number; plan?: string }[];
      }
    ).pulls.find((p) => p.number === pull);
    expect(shown?.plan).toContain('This pull request changes hosts:.');
    expect(shown?.plan).toContain('  h2: its hosts: entry changes');
    expect(stack.github.violations).toEqual([]);
  });

  it("reaches the base's hosts when the base's secrets file does not open with the daemon's keys", async () => {
    // The base keeps a secrets file encrypted to a key the daemon does not have; the pull request
    // drops it. The hosts come from the base's environment file, so they are still observed.
    const stranger = await identityToRecipient(await generateX25519Identity());
    const sealed = await encryptPlain({
      text: 'common:\n  galera_password: never-shown-71c3\n',
      file: 'secrets.sops.yaml',
      recipients: [stranger],
      rules: {},
      now: new Date(),
    });
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
    const { clone } = stack.remote;
    const locked = stack.remote.push(
      { 'secrets.sops.yaml': sealed.text },
      'Keep the secrets in secrets.sops.yaml',
    );
    git(clone, ['checkout', '--quiet', '-B', 'rekey', locked]);
    rmSync(join(clone, 'secrets.sops.yaml'));
    const head = stack.remote.push(
      {
        'environment.yaml': stack.envFile({
          ...base,
          webui: { [webui1]: { host: 'h2' }, [webui9]: { host: 'h2' } },
        }),
      },
      'Drop the secrets file and add webui9',
    );
    git(clone, ['checkout', '--quiet', 'main']);
    const pull = stack.github.openPull({ head: 'rekey', base: 'main', title: 'Rekey' }).number;
    const status = await waitFor('the plan of the pull request', () =>
      stack.github.statuses.find(
        (s) => s.sha === head && s.context === 'dockstack/plan' && s.state !== 'pending',
      ),
    );
    expect(status.state).toBe('success');
    expect(status.description).toBe('1 to create');
    const body =
      stack.github.comments.find((c) => c.issueNumber === pull && c.body.includes(PLAN_MARKER))
        ?.body ?? '';
    expect(body).not.toContain('This pull request changes `hosts:`');
    expect(body).toContain(`| ➕ create | \`${webui9}\` | webui |`);
    // dns1 and webui1 run where the base says: observed, nothing to do.
    expect(body).not.toMatch(new RegExp(`\\| [^|]+ \\| \`${dns1}\` \\|`));
    expect(body).not.toMatch(new RegExp(`\\| [^|]+ \\| \`${webui1}\` \\|`));
    expect(body).not.toContain('never-shown-71c3');
    expect(stack.github.violations).toEqual([]);
  });
});
