import type { Reconciliation } from '../apply/reconciliation.js';
import type { Problem } from '../environment/problem.js';
import type { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import type { ContainerState } from '../plan/compare-state.js';
import type { ServedDns } from '../network/serve-dns.js';
import type { IgnoredRecord } from './bot-records.js';
import type { CommitRecord } from './commit-record.js';
import type { Configured } from '../configure/configured.js';
import type { ModuleFiles } from '../render/puppet-modules.js';
import type { Planned } from './plan-stage.js';

/** Where the pass's environment came from, when it came from git. */
export interface PassRevision {
  head: string;
  /** The commit whose environment runs once the pass applied it. */
  applied: string;
  /** The commits new since the last applied one, oldest first, with their deltas. */
  commits: CommitRecord[];
  /** Commits with the bot's trailers that were not taken for its records, and why. */
  ignored?: IgnoredRecord[];
}

interface PassBase {
  /** The environment file, as problems name it. */
  file: string;
  git?: PassRevision;
  /** The env repo's own Puppet modules, when it has them (see Snapshot). */
  modules?: ModuleFiles;
}

/** The environment is invalid: nothing was observed, planned or changed. */
export interface InvalidPass extends PassBase {
  stage: 'load';
  problems: Problem[];
}

/** Planned against what the hosts run; nothing was changed. */
export interface PlannedPass extends PassBase {
  stage: 'plan';
  env: Environment;
  planned: Planned;
}

/** The plan was applied, and what runs now was observed and recorded. */
export interface AppliedPass extends PassBase {
  stage: 'apply';
  env: Environment;
  planned: Planned;
  reconciliation: Reconciliation;
  /** The environment's own containers, as observed after the apply. */
  observed: ObservedContainer[];
  /** Desired against observed after the apply. */
  state: ContainerState[];
  /** What runs now, per service (`registered_services`). */
  registered: Record<string, string[]>;
  /** The dns containers given the environment's names and addresses by this pass. */
  dns: ServedDns[];
  /** The puppet servers given this commit's code, and the agents kicked. */
  configured: Configured;
  /** The record the pass made (the bot's commit), when something changed. */
  recorded?: string;
}

export type PassResult = InvalidPass | PlannedPass | AppliedPass;
