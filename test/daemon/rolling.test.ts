import { describe, expect, it } from 'vitest';

import { LABELS } from '../../src/hosts/ownership-labels.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  type Services,
} from '../apply/apply-env.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { ENGINES, rawClient } from '../testbed/docker-testbed.js';
import { buildExitingImage, EXITING_LINE } from '../testbed/test-images.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  botCommitOn,
  type DaemonProcess,
  firstConverged,
  startDaemon,
  statusOf,
  trailerOf,
  waitFor,
} from './daemon-process.js';

const NAME = `rolling-test-${String(process.pid)}`;
const MEMBERS = [`${PREFIX}-roll-w1`, `${PREFIX}-roll-w2`, `${PREFIX}-roll-w3`];
const PLACES = ['local', 'h2', 'local'] as const;
/** Tags of the small test image (healthy once its check ran), and one whose process exits. */
const GOOD = ['roll-1', 'roll-2', 'roll-3'];
const BAD = 'roll-bad';

const services = (tag: string): Services => ({
  webui: Object.fromEntries(MEMBERS.map((name, i) => [name, { host: PLACES[i], tag }])),
});

interface Status {
  lastApplied: { commit: string; converged: boolean } | null;
  degraded: string | null;
  rolledBack: { container: string; reason: string; lastLines: string }[];
}

describe('replacing the running members of a service, on real engines', () => {
  const root = tempDir();
  let remote: RemoteFixture;
  let daemon: DaemonProcess | undefined;
  const status = () => statusOf<Status>(daemon);
  const trailer = (sha: string, key: string) => trailerOf(remote.bare, sha, key);
  const botCommitFor = (applied: string) => botCommitOn(remote, applied, 120_000);
  /** The members as the engines show them: name, image and id, in order. */
  const members = async () =>
    (await testContainers())
      .filter((c) => c.labels[LABELS.environment] === NAME)
      .map((c) => `${c.name} ${c.image} ${c.running ? 'running' : 'stopped'} ${c.id}`)
      .sort();
  /** How many members run under their own names now. */
  const serving = async () =>
    (await testContainers()).filter((c) => MEMBERS.includes(c.name) && c.running).length;

  useTestbed({
    setup: async () => {
      await removeTestContainers();
      for (const endpoint of Object.values(ENGINES)) {
        const docker = rawClient(endpoint);
        for (const tag of GOOD) await docker.getImage('healthy:latest').tag({ repo: 'webui', tag });
        await buildExitingImage(endpoint, `webui:${BAD}`);
      }
      remote = createRemote(root.path, {
        'environment.yaml': environmentText(services(GOOD[0] ?? ''), { name: NAME }),
      });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '1',
        '--drift-interval',
        '1',
        '--ready-timeout',
        '15',
      ]);
      await firstConverged(status, 120_000);
    },
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        for (const endpoint of Object.values(ENGINES)) {
          for (const tag of [...GOOD, BAD]) {
            await rawClient(endpoint)
              .getImage(`webui:${tag}`)
              .remove({ force: true })
              .catch(() => undefined);
          }
        }
      } finally {
        root.remove();
      }
    },
  });

  it('replaces the three members one at a time: never fewer than two serve', async () => {
    const pushed = remote.push(
      { 'environment.yaml': environmentText(services(GOOD[1] ?? ''), { name: NAME }) },
      'Move webui to roll-2',
    );
    let fewest = MEMBERS.length;
    let bot: string | undefined;
    while (bot === undefined) {
      fewest = Math.min(fewest, await serving());
      const head = remote.head();
      if (trailer(head, 'Dockstack-Applied') === pushed) bot = head;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(trailer(bot, 'Dockstack-Result')).toBe('converged');
    expect(fewest).toBe(2);
    const now = await members();
    expect(now.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual(
      MEMBERS.map((name) => `${name} webui:roll-2 running`),
    );
  }, 180_000);

  it('rolls back to the same containers when the new image exits, holds them, and rolls forward with a fix', async () => {
    const before = await members();
    const pushed = remote.push(
      { 'environment.yaml': environmentText(services(BAD), { name: NAME }) },
      'Move webui to an image that does not start',
    );
    const bot = await botCommitFor(pushed);
    expect(trailer(bot, 'Dockstack-Result')).toBe('failed');
    expect(trailer(bot, 'Dockstack-Rolled-Back')).toBe(MEMBERS.join(' '));
    const message = git(remote.bare, ['log', '-1', '--format=%B', bot]);
    expect(message).toContain(`  ${MEMBERS[0] ?? ''}: rolled back to its old container: `);
    expect(message).toContain(`    | ${EXITING_LINE}`);
    // The same containers, by id, running the image they ran.
    expect(await members()).toEqual(before);

    const seen = await waitFor('the rollback in the status', async () => {
      const s = await status();
      return s.rolledBack.length > 0 ? s : undefined;
    });
    expect(seen.lastApplied).toMatchObject({ commit: pushed, converged: false });
    expect(seen.degraded).toContain(`rolled back: ${MEMBERS[0] ?? ''} (`);
    expect(seen.rolledBack[0]).toMatchObject({ container: MEMBERS[0] });
    expect(seen.rolledBack[0]?.lastLines).toContain(EXITING_LINE);

    // The branch stays put: passes and drift checks go on, and create nothing of the service.
    // To the millisecond: the rolled-back create may fall within the same second.
    const since = Date.now() / 1000;
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(await created(NAME, since)).toEqual([]);
    expect(await members()).toEqual(before);

    const fixed = remote.push(
      { 'environment.yaml': environmentText(services(GOOD[2] ?? ''), { name: NAME }) },
      'Move webui to roll-3',
    );
    const forward = await botCommitFor(fixed);
    expect(trailer(forward, 'Dockstack-Result')).toBe('converged');
    expect(trailer(forward, 'Dockstack-Rolled-Back')).toBe('');
    expect((await members()).map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual(
      MEMBERS.map((name) => `${name} webui:roll-3 running`),
    );
    await waitFor('the status ready again', async () =>
      (await status()).degraded === null ? true : undefined,
    );
  }, 240_000);
});

/** The containers of the environment created on either engine since `since` (seconds, fractional). */
async function created(environment: string, since: number): Promise<string[]> {
  const names: string[] = [];
  const until = Math.ceil(Date.now() / 1000);
  for (const endpoint of Object.values(ENGINES)) {
    const stream = await rawClient(endpoint).getEvents({
      since,
      until,
      filters: {
        type: ['container'],
        event: ['create'],
        label: [`${LABELS.environment}=${environment}`],
      },
    });
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const event = JSON.parse(line) as { Actor?: { Attributes?: { name?: string } } };
      names.push(event.Actor?.Attributes?.name ?? '?');
    }
  }
  return names;
}
