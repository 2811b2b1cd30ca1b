import { afterEach } from 'vitest';
import { parse, stringify } from 'yaml';

import { SECRET_KEYS } from '../../src/environment/schema.js';
import { removeTestContainers } from '../apply/apply-env.js';
import {
  botCommitOn,
  type DaemonProcess,
  firstConverged,
  startDaemon,
  trailerOf,
} from '../daemon/daemon-process.js';
import { createRemote, tempDir, type RemoteFixture } from '../git/git-fixture.js';
import { removeTestNetworks, removeTestVolumes } from '../network/network-testbed.js';
import { useTestbed } from '../testbed/use-testbed.js';
import { readyForRealImages } from './configure-testbed.js';
import { encryptedSecrets, type EncryptedSecrets } from './encrypted-secrets.js';

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
  /** The daemon's log lines so far. */
  logs(): string[];
  /** The encrypted secrets of the env repo, when the suite asked for them. */
  secrets(): EncryptedSecrets | undefined;
}

/** How many of the daemon's lines a failed test prints. */
const LOG_LINES_ON_FAILURE = 80;

/** Makes each failed test of the current suite show what the daemon was doing: its last lines. */
export function showDaemonLinesOnFailure(daemon: () => DaemonProcess | undefined): void {
  afterEach((context) => {
    const logs = daemon()?.logs;
    if (context.task.result?.state !== 'fail' || logs === undefined) return;
    const last = logs.slice(-LOG_LINES_ON_FAILURE).join('\n');
    process.stderr.write(`the daemon's last ${String(LOG_LINES_ON_FAILURE)} lines:\n${last}\n`);
  });
}

export interface RealDaemonOptions {
  /**
   * The secrets of `common`, by field: moved out of the environment file into an encrypted
   * secrets.sops.yaml, the daemon given its key in SOPS_AGE_KEY_FILE.
   */
  secrets?: Record<string, string>;
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
  options: RealDaemonOptions = {},
): RealDaemon {
  const root = tempDir();
  let remote: RemoteFixture | undefined;
  let daemon: DaemonProcess | undefined;
  let secrets: EncryptedSecrets | undefined;
  const remoteOf = () => {
    if (remote === undefined) throw new Error('the suite has no remote yet');
    return remote;
  };
  const base = () => daemon?.base ?? '';
  const status = async () =>
    (await fetch(`${base()}/api/status`)).json() as Promise<ConfigureStatus>;
  const trailer = (sha: string, key: string) => trailerOf(remoteOf().bare, sha, key);
  useTestbed({
    setup: async () => {
      await readyForRealImages();
      let text = environment();
      if (options.secrets !== undefined) {
        secrets = await encryptedSecrets(text, options.secrets, root.path);
        text = secrets.environment;
      }
      remote = createRemote(root.path, {
        ...files,
        ...secrets?.files,
        'environment.yaml': text,
      });
      daemon = await startDaemon(
        [
          '--repo',
          remote.fileUrl,
          '--workdir',
          `${root.path}/work`,
          '--interval',
          '1',
          // A puppet server takes one to three minutes to answer on a busy machine.
          '--ready-timeout',
          '600',
        ],
        secrets === undefined ? {} : { SOPS_AGE_KEY_FILE: secrets.keyFile },
      );
      await firstConverged(status, 900_000);
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
  showDaemonLinesOnFailure(() => daemon);
  return {
    remote: remoteOf,
    base,
    status,
    trailer,
    push: (text, subject) =>
      remoteOf().push(
        { 'environment.yaml': secrets === undefined ? text : withoutSecrets(text) },
        subject,
      ),
    logs: () => daemon?.logs ?? [],
    secrets: () => secrets,
    botCommitFor: (commit, ms) => botCommitOn(remoteOf(), commit, ms),
  };
}

/** An environment file with the secret fields of `common` left out (they are in secrets.sops.yaml). */
function withoutSecrets(text: string): string {
  const raw = parse(text) as { common: Record<string, unknown>; [key: string]: unknown };
  const common = Object.fromEntries(
    Object.entries(raw.common).filter(([key]) => !SECRET_KEYS.has(key)),
  );
  return stringify({ ...raw, common });
}
