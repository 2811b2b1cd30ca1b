import { removeTestContainers } from '../apply/apply-env.js';
import { startDaemon, waitFor, type DaemonProcess } from '../daemon/daemon-process.js';
import { createRemote, git, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { removeTestNetworks, removeTestVolumes } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { readyForRealImages } from './configure-testbed.js';

/** What the configure tests read of `/api/status`. */
export interface ConfigureStatus {
  containers?: { name: string; service: string | null; ok: boolean; health?: string }[];
  lastApplied: { commit: string; converged: boolean } | null;
  lastConfigured: {
    commit: string;
    kicked: { name: string; outcome: string; reasons: string[] }[];
  } | null;
}

export interface RealDaemon {
  /** The env repo's remote; set once the suite's setup ran. */
  remote(): RemoteFixture;
  /** The daemon's base URL. */
  base(): string;
  status(): Promise<ConfigureStatus>;
  /** A trailer's value on a commit of the remote, or '' without it. */
  trailer(sha: string, key: string): string;
  /** Pushes the environment file as a person's commit; its sha. */
  push(environment: string, subject: string): string;
  /** Waits for the bot's commit that applies `commit`; its sha. */
  botCommitFor(commit: string, ms: number): Promise<string>;
}

/**
 * Makes the current suite run the daemon, from source, on a local remote whose first commit holds
 * `environment` (as `environment.yaml`) and `files` (repo path to text), with the real images (both engines), polling every second and waiting up to
 * 600 s for a started container; setup waits until that first commit converged. Containers and
 * networks are removed before and after.
 */
export function useRealDaemon(
  environment: () => string,
  files: Record<string, string> = {},
): RealDaemon {
  const root = tempDir();
  let remote: RemoteFixture | undefined;
  let daemon: DaemonProcess | undefined;
  const remoteOf = () => {
    if (remote === undefined) throw new Error('the suite has no remote yet');
    return remote;
  };
  const base = () => daemon?.base ?? '';
  const status = async () =>
    (await fetch(`${base()}/api/status`)).json() as Promise<ConfigureStatus>;
  const trailer = (sha: string, key: string) =>
    git(remoteOf().bare, ['log', '-1', `--format=%(trailers:key=${key},valueonly)`, sha]).trim();
  useTestbed({
    setup: async () => {
      await readyForRealImages();
      remote = createRemote(root.path, { ...files, 'environment.yaml': environment() });
      daemon = await startDaemon([
        '--repo',
        remote.fileUrl,
        '--workdir',
        `${root.path}/work`,
        '--interval',
        '1',
        // A puppet server takes one to three minutes to answer on a busy machine.
        '--ready-timeout',
        '600',
      ]);
      await waitFor(
        'the first commit applied',
        async () => ((await status()).lastApplied?.converged === true ? true : undefined),
        900_000,
      );
    },
    setupTimeoutMs: 960_000,
    teardown: async () => {
      try {
        await daemon?.stop();
        await removeTestContainers();
        await removeTestNetworks();
        await removeTestVolumes();
      } finally {
        root.remove();
      }
    },
  });
  return {
    remote: remoteOf,
    base,
    status,
    trailer,
    push: (text, subject) => remoteOf().push({ 'environment.yaml': text }, subject),
    botCommitFor: (commit, ms) =>
      waitFor(
        `the bot's commit that applies ${commit.slice(0, 12)}`,
        () => {
          const head = remoteOf().head();
          return trailer(head, 'Dockstack-Applied') === commit ? head : undefined;
        },
        ms,
      ),
  };
}
