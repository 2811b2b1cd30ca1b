import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { watch, type FSWatcher } from 'chokidar';

import type { Refresh } from '../configure/refreshed-containers.js';
import type { Problem } from '../environment/problem.js';
import { sameAsCommitted } from '../git/committed-file.js';
import { committedEnvironment } from '../pass/committed-environment.js';
import { fileSource } from '../pass/file-source.js';
import { LoadStage } from '../pass/load-stage.js';
import { runPass, type PassDeps } from '../pass/run-pass.js';
import { countSteps, type ActionCounts } from '../plan/count-steps.js';
import type { UnreachableHost } from '../plan/unreachable-host.js';
import { configureStepNames, formatPlan } from '../report/format-plan.js';
import { formatNotKicked } from '../report/format-refreshed.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Log } from '../util/log.js';

/** What an uncommitted edit of the environment file would do, as shown before it is committed. */
export interface PendingEdit {
  at: string;
  valid: boolean;
  problems?: Problem[];
  counts?: ActionCounts;
  /** The plan as `dockstack plan` prints it, with the containers whose configuration changes. */
  plan?: string;
  /** The running containers whose Puppet configuration the edit changes, and why. */
  refreshed?: Refresh[];
  /** Hosts that did not answer: their containers are not in the plan. */
  unreachable?: UnreachableHost[];
}

export interface WorkingCopyWatch {
  close(): Promise<void>;
}

export interface WatchOptions {
  /** The working tree of the env repo. */
  dir: string;
  branch: string;
  envPath: string;
  pass: PassDeps;
  clock: Clock;
  log: Log;
  /** A commit landed on the branch: reconcile. */
  onCommit: () => void;
  /** The environment file changed in the working tree: here is its plan (undefined: same as committed). */
  onEdit: (edit: PendingEdit | undefined) => void;
  debounceMs?: number;
}

/** True when `dir` is a git working tree (not a bare repository) holding the environment file. */
export function isWorkingCopy(dir: string, envPath: string): boolean {
  return existsSync(join(dir, '.git')) && existsSync(join(dir, envPath));
}

/**
 * Watches a local working copy of the env repo: an edit of the environment file is validated and
 * planned against what runs (nothing is applied), a commit on the branch triggers a reconcile.
 */
export function watchWorkingCopy(options: WatchOptions): WorkingCopyWatch {
  const file = join(options.dir, options.envPath);
  const secrets = join(options.dir, secretsPath(options.envPath));
  const refs = [
    join(options.dir, '.git', 'refs', 'heads', options.branch),
    join(options.dir, '.git', 'packed-refs'),
  ];
  const debounce = options.debounceMs ?? 200;
  const timers = new Map<string, Timer>();
  const later = (key: string, action: () => void) => {
    timers.get(key)?.cancel();
    timers.set(key, options.clock.after(debounce, action));
  };

  const planEdit = async () => {
    if (sameAsCommitted(options.dir, [options.envPath, secretsPath(options.envPath)])) {
      options.onEdit(undefined);
      return;
    }
    // The agents kicked are those whose inputs differ from the file as committed.
    const committed = await committedEnvironment(
      file,
      new LoadStage(options.pass.loader, options.pass.ageKeys),
    );
    const pass = await runPass(
      { goal: 'plan', source: fileSource(file), configured: { env: committed } },
      options.pass,
    );
    const at = new Date(options.clock.wallTime()).toISOString();
    if (pass.stage === 'load') {
      options.log.warn({ problems: pass.problems }, 'uncommitted edit: the environment is invalid');
      options.onEdit({ at, valid: false, problems: pass.problems });
      return;
    }
    if (pass.stage !== 'plan') return;
    const { plan, unreachable } = pass.planned;
    const counts = countSteps(plan).total;
    const refreshed = pass.planned.refreshed;
    options.log.info({ counts }, 'uncommitted edit: planned; commit it to apply');
    options.onEdit({
      at,
      valid: true,
      counts,
      plan: formatPlan(plan) + formatNotKicked(refreshed, configureStepNames(plan)),
      refreshed,
      unreachable,
    });
  };

  // The folders are watched, not the files: git deletes and re-creates a file it checks out
  // (as when the daemon's write-back is pushed into this checkout), and a watch on the file
  // itself goes deaf after that.
  const paths = new Set([file, secrets, ...refs]);
  const folders = [...new Set([...paths].map((path) => dirname(path)))];
  const watcher: FSWatcher = watch(folders, { ignoreInitial: true, depth: 0 });
  watcher.on('all', (_event, path) => {
    if (!paths.has(path)) return;
    if (path === file || path === secrets) {
      later('edit', () => {
        planEdit().catch((error: unknown) => {
          options.log.warn({ err: error }, 'planning an uncommitted edit failed');
        });
      });
    } else {
      later('commit', options.onCommit);
    }
  });
  watcher.on('error', (error) => {
    options.log.warn({ err: error }, 'watching the working copy failed');
  });
  return {
    close: async () => {
      for (const timer of timers.values()) timer.cancel();
      await watcher.close();
    },
  };
}
