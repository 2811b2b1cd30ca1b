import { describe, expect, it } from 'vitest';

import { removeTestContainers, testContainers, type Services } from '../apply/apply-env.js';
import { git } from '../git/git-fixture.js';
import { signWebhookBody } from '../github/deliver-webhook.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { waitFor } from './daemon-process.js';
import {
  containerName,
  openPullRequest,
  PUBLIC_URL,
  SECRET,
  startGitHubStack,
  TOKEN,
  WEB_URL,
  type GitHubStack,
  type StackMode,
} from './github-stack.js';

const PLAN_MARKER = '<!-- dockstack:plan -->';
const APPLY_MARKER = '<!-- dockstack:apply -->';

/** The line (1-based) of the first line of `text` that holds `needle`. */
const lineOf = (text: string, needle: string) =>
  text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe.each<[StackMode, string]>([
  ['token over smart HTTP', 'gh'],
  ['token over file', 'gf'],
])('pull requests on GitHub, %s', (mode, tag) => {
  const dns1 = containerName(tag, 'dns1');
  const webui1 = containerName(tag, 'webui1');
  const webui2 = containerName(tag, 'webui2');
  const webui3 = containerName(tag, 'webui3');
  const base: Services = {
    dns: { [dns1]: { host: 'local' } },
    webui: { [webui1]: { host: 'h2' } },
  };
  const withWebui2: Services = { ...base, webui: { ...base.webui, [webui2]: { host: 'h2' } } };
  let stack: GitHubStack;
  let pull = 0;

  const statusesOf = (sha: string, context: string) =>
    stack.github.statuses.filter((s) => s.sha === sha && s.context === context);
  const finalStatus = (sha: string, context: string) =>
    waitFor(`${context} on ${sha.slice(0, 12)}`, () =>
      statusesOf(sha, context).find((s) => s.state !== 'pending'),
    );
  const commentsOn = (number: number, marker: string) =>
    stack.github.comments.filter((c) => c.issueNumber === number && c.body.includes(marker));
  /** The open pull requests' plans as the daemon shows them. */
  const pullPlans = async () =>
    (
      (await (await fetch(`${stack.daemon.base}/api/status`)).json()) as {
        pulls: { number: number; headSha: string; outcome: string; plan?: string }[];
      }
    ).pulls;

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      stack = await startGitHubStack(mode, `github-${tag}-${String(process.pid)}`, base);
      await stack.botCommitFor(stack.remote.head());
    },
    teardown: async () => {
      await stack.stop();
      await removeTestContainers();
    },
  });

  it('plans the pull request `dockstack create webui2 --pr` opens: the container, its host and the site.pp diff', async () => {
    const run = await openPullRequest(stack, [
      'create',
      webui2,
      '--service',
      'webui',
      '--host',
      'h2',
    ]);
    expect(run.stderr).toBe('');
    const opened = JSON.parse(run.stdout) as { commit: string; pullRequest: { number: number } };
    pull = opened.pullRequest.number;
    const head = opened.commit;
    expect(stack.github.pulls.find((p) => p.number === pull)?.head.sha).toBe(head);
    const status = await finalStatus(head, 'dockstack/plan');
    expect(status).toMatchObject({ state: 'success', targetUrl: `${PUBLIC_URL}/api/status` });
    expect(status.description).toBe('1 to create');
    expect(statusesOf(head, 'dockstack/plan').map((s) => s.state)).toEqual(['pending', 'success']);
    const [comment, ...more] = commentsOn(pull, PLAN_MARKER);
    expect(more).toEqual([]);
    expect(comment?.body).toContain(`| ➕ create | \`${webui2}\` | webui | assigned at start |`);
    expect(comment?.body).toContain('**h2**');
    expect(comment?.body).toContain(`+node '${webui2}.endor.lab' {`);
    expect(comment?.body).toContain(`+  - ${webui2}`);
    expect(comment?.body).toContain(`**Puppet agents kicked**`);
    expect(comment?.body).toContain(`\`${webui1}\``);
    expect((await testContainers()).map((c) => c.name)).not.toContain(webui2);
    // The daemon shows the same plan, as `dockstack plan` prints it, in its status and dashboard.
    const shown = (await pullPlans()).find((p) => p.number === pull);
    expect(shown).toMatchObject({ headSha: head, outcome: 'planned' });
    expect(shown?.plan).toContain(webui2);
    const page = await (await fetch(`${stack.daemon.base}/`)).text();
    expect(page).toContain(`data-pull="${String(pull)}"`);
    expect(page).toContain(`${WEB_URL}/ops/env/pull/${String(pull)}`);
  });

  it('updates the one plan comment when the pull request moves on', async () => {
    const more = { ...withWebui2, webui: { ...withWebui2.webui, [webui3]: { host: 'local' } } };
    const clone = stack.remote.clone;
    const branch = stack.github.pulls.find((p) => p.number === pull)?.head.ref ?? '';
    git(clone, ['fetch', '--quiet', 'origin']);
    git(clone, ['checkout', '--quiet', '-B', branch, `origin/${branch}`]);
    const head = stack.remote.push({ 'environment.yaml': stack.envFile(more) }, 'And webui3');
    git(clone, ['checkout', '--quiet', 'main']);
    await stack.github.synchronize(pull);
    expect((await finalStatus(head, 'dockstack/plan')).description).toBe('2 to create');
    const comments = commentsOn(pull, PLAN_MARKER);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.updates).toBe(1);
    expect(comments[0]?.body).toContain(
      `### dockstack plan for [\`${head.slice(0, 12)}\`](${WEB_URL}/ops/env/commit/${head})`,
    );
    expect(comments[0]?.body).toContain(`\`${webui3}\``);
  });

  it('fails the plan of a broken environment, naming the file, line and column', async () => {
    const text = stack
      .envFile(withWebui2)
      .replace(`${webui2}:\n      host: h2`, `${webui2}:\n      host: h2\n      macAddress: zz:zz`);
    const head = stack.branch('broken', text, 'A broken MAC');
    const broken = stack.github.openPull({ head: 'broken', base: 'main', title: 'Broken' }).number;
    const status = await finalStatus(head, 'dockstack/plan');
    expect(status.state).toBe('failure');
    expect(status.description).toBe('1 problem in the environment file');
    const body = commentsOn(broken, PLAN_MARKER)[0]?.body ?? '';
    expect(body).toMatch(
      new RegExp(`environment\\.yaml:${String(lineOf(text, 'zz:zz'))}:\\d+: .*MAC`),
    );
    expect((await pullPlans()).find((p) => p.number === broken)).toMatchObject({
      headSha: head,
      outcome: 'invalid',
    });
  });

  it('deploys on merge: a pending then final dockstack/apply status, and the result on the pull request', async () => {
    const merge = await stack.github.mergePull(pull);
    const bot = await stack.botCommitFor(merge);
    expect(git(stack.remote.bare, ['show', `${bot}:environment.yaml`])).toContain(`- ${webui2}`);
    const status = await finalStatus(merge, 'dockstack/apply');
    expect(statusesOf(merge, 'dockstack/apply').map((s) => s.state)).toEqual([
      'pending',
      'success',
    ]);
    expect(status.description).toMatch(/^converged: 2 steps in \d+\.\d s$/);
    const running = await testContainers();
    expect(running.find((c) => c.name === webui2)?.running).toBe(true);
    expect(running.find((c) => c.name === webui3)?.running).toBe(true);
    const result = await waitFor(
      'the result on the pull request',
      () => commentsOn(pull, APPLY_MARKER)[0],
    );
    expect(result.body).toContain('✅ converged');
    expect(result.body).toContain(`| create | \`${webui2}\` | h2 |`);
    expect(result.body).toContain(
      `Recorded in [\`${bot.slice(0, 12)}\`](${WEB_URL}/ops/env/commit/${bot}) on the branch.`,
    );
    expect(result.body).toMatch(
      new RegExp(`\\| local \\| \`${dns1}\` \\| dns \\| running \\| \\d+\\.`),
    );
    // Merged, it is no longer an open pull request with a plan.
    expect((await pullPlans()).map((p) => p.number)).not.toContain(pull);
  });

  it('refuses forged, unsigned, replayed, oversized and malformed deliveries', async () => {
    const hook = `${stack.daemon.base}/webhooks/github`;
    const payload = stack.github.pushEvent(
      'refs/heads/main',
      stack.remote.head(),
      stack.remote.head(),
    );
    const requested = () =>
      stack.daemon.logs.filter((l) => l.includes('"msg":"reconcile requested"')).length;
    const before = requested();
    expect(
      (await stack.github.deliver('push', payload, { secret: 'not-the-secret-at-all' })).status,
    ).toBe(401);
    expect((await stack.github.deliver('push', payload, { unsigned: true })).status).toBe(401);
    expect(requested()).toBe(before);

    const first = await stack.github.deliver('push', payload, { deliveryId: 'replayed-delivery' });
    expect(first.status).toBe(202);
    const again = await stack.github.deliver('push', payload, { deliveryId: 'replayed-delivery' });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ status: 'duplicate' });

    const post = (raw: Buffer, headers: Record<string, string> = {}) =>
      fetch(hook, {
        method: 'POST',
        body: raw,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': `d-${String(Math.random()).slice(2)}`,
          'x-hub-signature-256': signWebhookBody(SECRET, raw),
          ...headers,
        },
      });
    const huge = Buffer.from(JSON.stringify({ padding: 'x'.repeat(6 * 1024 * 1024) }));
    expect((await post(huge)).status).toBe(413);
    expect((await post(Buffer.from('{"ref": "refs/heads/main",'))).status).toBe(400);
    const other = { ...payload, repository: { full_name: 'someone/else' } };
    const ignored = await post(Buffer.from(JSON.stringify(other)));
    expect(ignored.status).toBe(202);
    expect(await ignored.json()).toMatchObject({ status: 'ignored' });
    const metrics = await (await fetch(`${stack.daemon.base}/metrics`)).text();
    // A delivery that fails verification is not trusted to name its event.
    expect(metrics).toMatch(
      /dockstack_webhook_deliveries_total\{event="unverified",result="refused"\} [4-9]/,
    );
    expect(metrics).not.toMatch(/event="push",result="refused"/);
  });

  it('made only requests GitHub documents, and never showed a secret', () => {
    expect(stack.github.violations).toEqual([]);
    expect(stack.github.requests.length).toBeGreaterThan(5);
    const shown = [
      ...stack.daemon.logs,
      ...stack.github.comments.map((c) => c.body),
      ...stack.github.statuses.map((s) => s.description ?? ''),
    ].join('\n');
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(SECRET);
  });
});

describe('pull requests on GitHub, as a GitHub App', () => {
  const tag = 'ga';
  const dns1 = containerName(tag, 'dns1');
  const webui2 = containerName(tag, 'webui2');
  const base: Services = { dns: { [dns1]: { host: 'local' } } };
  let stack: GitHubStack;

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      stack = await startGitHubStack(
        'app over smart HTTP',
        `github-${tag}-${String(process.pid)}`,
        base,
      );
      await stack.botCommitFor(stack.remote.head());
    },
    teardown: async () => {
      await stack.stop();
      await removeTestContainers();
    },
  });

  const completedRun = (sha: string) =>
    waitFor(`the check run on ${sha.slice(0, 12)}`, () =>
      stack.github.checkRuns.find((r) => r.headSha === sha && r.status === 'completed'),
    );

  it('reports the plan as a check run', async () => {
    const withWebui2 = { ...base, webui: { [webui2]: { host: 'h2' } } };
    const head = stack.branch('add-webui2', stack.envFile(withWebui2), 'Add webui2');
    stack.github.openPull({ head: 'add-webui2', base: 'main', title: 'Add webui2' });
    const run = await completedRun(head);
    expect(run).toMatchObject({
      name: 'dockstack/plan',
      conclusion: 'success',
      title: '1 to create',
    });
    expect(run.summary).toContain(`\`${webui2}\``);
    expect(run.detailsUrl).toBe(`${PUBLIC_URL}/api/status`);
    expect(stack.github.comments).toEqual([]);
  });

  it('fails the check of a broken environment with an annotation at the line', async () => {
    const text = stack.envFile(base).replace('host: local', 'host: local\n      bogus: 1');
    const head = stack.branch('broken', text, 'An unknown key');
    stack.github.openPull({ head: 'broken', base: 'main', title: 'Broken' });
    const run = await completedRun(head);
    expect(run.conclusion).toBe('failure');
    expect(run.annotations).toEqual([
      expect.objectContaining({
        path: 'environment.yaml',
        start_line: lineOf(text, 'bogus'),
        annotation_level: 'failure',
      }),
    ]);
    expect(stack.github.violations).toEqual([]);
  });
});
