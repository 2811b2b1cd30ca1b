import type { CommitInfo } from '../git/env-repo.js';
import type { RecordFiles } from '../network/address-record.js';
import type { ModuleFiles } from '../render/puppet-modules.js';
import type { IgnoredRecord } from './bot-records.js';

/** One first-parent commit of the env repo, with the environment file's text at it. */
export interface SourceCommit extends CommitInfo {
  /** The environment file at this commit; undefined when the commit has none. */
  text: string | undefined;
  /** The secrets file beside it at this commit; undefined when there is none. */
  secrets?: string;
}

/** Where in git an environment comes from. */
export interface GitRevision {
  /** The commit whose environment file was read. */
  head: string;
  /**
   * The commit whose environment runs once this pass applies it: the head, or the last one
   * applied when only the bot committed since.
   */
  applied: string;
  /** The commits new since the last one applied, oldest first, the bot's own left out. */
  commits: SourceCommit[];
  /** The environment file at the parent of the first of `commits`, for its delta. */
  before?: string;
  /** The secrets file beside it there. */
  beforeSecrets?: string;
  /** What the agents were last configured for, as the bot's last `Dockstack-Configured` says. */
  configured?: LastConfigured;
  /** Commits with the bot's trailers that were not taken for its records, and why. */
  ignored?: IgnoredRecord[];
  /**
   * The containers whose replacement was rolled back at this very head (`Dockstack-Rolled-Back`
   * on the bot's record of it): left as they run until the branch moves on.
   */
  held?: string[];
}

/** The commit the agents were last configured for, and the kicks that failed then. */
export interface LastConfigured {
  commit: string;
  /** The environment file at that commit; undefined when it has none. */
  text: string | undefined;
  /** The secrets file beside it there. */
  secrets?: string;
  /** The containers whose kick failed (`Dockstack-Kick-Failed`). */
  failed: string[];
}

/** What the source stage read: an environment file's bytes and where they came from. */
export interface Snapshot {
  /** How problems name the file: its path on disk, or its path in the repo. */
  file: string;
  /** The file's bytes; undefined when there is no such file. */
  bytes: Uint8Array | string | undefined;
  /**
   * The secrets file beside the environment file (`secrets.sops.yaml`, SOPS-encrypted), when
   * there is one.
   */
  secrets?: string;
  /** Why a file on disk could not be read (ENOENT, EACCES, EISDIR, ...). */
  unreadable?: string;
  /** Set when the file was read from the env repo. */
  git?: GitRevision;
  /**
   * The address record beside the file (`dnsmasq/dhcp-hosts` and `dnsmasq/leases`, as last
   * written back): who got which MAC and address, and which names left the file when. Undefined
   * when there is none yet.
   */
  record?: RecordFiles;
  /**
   * The env repo's own Puppet modules (`puppet/modules` beside the file) at the same commit, or
   * on disk beside a working copy's file; undefined when it has none (dockstack's are served).
   */
  modules?: ModuleFiles;
}

/** Where a pass gets its environment from. */
export interface Source {
  read(): Promise<Snapshot>;
}
