import { writeFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';

import { buildCommit } from './build-commit.js';
import { commitMessage } from './commit-message.js';
import { COMMIT_LOG_FORMAT, parseCommitLog, trailerValues } from './commit-log-format.js';
import type { CommitInfo, EnvRepo } from './env-repo.js';
import { GitError } from './git-error.js';
import { GIT_CONFIG, gitEnvironment } from './git-environment.js';
import type { Person } from './git-input.js';
import { checkBranch, checkPath, checkPerson, checkSha, checkTrailerKey } from './git-input.js';
import { ALLOWED_SIGNERS, whyNotOwn, type BotIdentity } from './own-commit.js';
import { pushRef } from './push-ref.js';
import { urlSecrets } from './url-secrets.js';
import { parseRepoUrl } from './repo-url.js';
import type { Log } from '../util/log.js';
import type { GitContext, RunOptions } from './run-git.js';
import { folderEntry } from './folder-entry.js';
import { failure, runGit, runGitOk } from './run-git.js';
import { allowedSignersLine, readSigningKey } from './signing-key.js';
import { prepareWorkingClone } from './working-clone.js';

export interface GitEnvRepoOptions {
  /** https://, ssh://, user@host:path, file:// or an absolute path; http:// only to loopback. */
  url: string;
  branch: string;
  /**
   * The private working clone, a bare repository made on first use (/var/lib/dockstack/repo).
   * One EnvRepo per working clone: it removes what killed git processes left there.
   */
  workDir: string;
  /** Author and committer of the bot's commits. */
  author: Person;
  /**
   * An SSH key file: the bot signs its commits with it, and a commit counts as the bot's own only
   * when git verifies its signature by that key (see whyNotOwn). A public key verifies only.
   */
  signingKey?: string;
  /**
   * git's HOME, where its global config (credential helpers, ...) comes from. Default
   * `/dev/null`: no global config at all.
   */
  home?: string;
  /** Deadline of each command that talks to the remote; default 60 s. */
  remoteTimeoutMs?: number;
  /** Deadline of each local command; default 30 s. */
  localTimeoutMs?: number;
  /** Largest file readFile returns, and most bytes readFolder reads; default 5 MiB. */
  maxFileBytes?: number;
  log?: Log;
  /** Where PATH, the ssh agent, proxies and CA files come from; default process.env. */
  processEnv?: NodeJS.ProcessEnv;
}

const LOG_BATCH = 100;

/**
 * The env repo through git (simple-git) and a private bare clone. Every input is checked before
 * git runs; commands run one at a time, each with a deadline, in an environment of our making;
 * credentials in the URL never appear in an error or a log line.
 */
export function createGitEnvRepo(options: GitEnvRepoOptions): EnvRepo {
  const remote = parseRepoUrl(options.url);
  const branch = checkBranch(options.branch);
  const author = checkPerson(options.author);
  const workDir = checkWorkDir(options.workDir);
  const key = options.signingKey === undefined ? undefined : readSigningKey(options.signingKey);
  const bot: BotIdentity = key === undefined ? { person: author } : { person: author, key };
  const signers = join(workDir, ALLOWED_SIGNERS);
  const remoteTimeoutMs = options.remoteTimeoutMs ?? 60_000;
  const localTimeoutMs = options.localTimeoutMs ?? 30_000;
  const maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
  const ref = `refs/heads/${branch}`;
  const tracking = `refs/remotes/origin/${branch}`;
  const context: GitContext = {
    cwd: workDir,
    env: gitEnvironment({
      workDir,
      protocol: remote.protocol,
      home: options.home ?? '/dev/null',
      remoteTimeoutMs,
      processEnv: options.processEnv ?? process.env,
    }),
    config: [
      ...GIT_CONFIG,
      ...(key === undefined
        ? []
        : [
            'gpg.format=ssh',
            `gpg.ssh.allowedSignersFile=${signers}`,
            ...(key.privateKeyFile === undefined ? [] : [`user.signingKey=${key.privateKeyFile}`]),
          ]),
    ],
    secrets: urlSecrets(remote.url),
    log: options.log,
  };
  const local: RunOptions = { timeoutMs: localTimeoutMs };
  const toRemote: RunOptions = { timeoutMs: remoteTimeoutMs, remote: true };
  const git = (args: readonly string[], run: RunOptions = local) => runGitOk(context, args, run);
  const state = { claimed: false, signers: false };
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every earlier one, in a ready working clone. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      await prepareWorkingClone(context, localTimeoutMs, state);
      if (key !== undefined && !state.signers) {
        writeFileSync(signers, allowedSignersLine(author.email, key));
        state.signers = true;
      }
      return task();
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const resolveCommit = async (rev: string): Promise<string> =>
    checkSha((await git(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim());

  /** Fetches the remote's `source` into the local ref `local` (forced) and returns its commit. */
  const fetchRef = async (source: string, local: string): Promise<string> => {
    await git(
      [
        'fetch',
        // Not --quiet: a command that prints nothing costs simple-git a 50 ms wait for output.
        '--verbose',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        '--',
        remote.url,
        `+${source}:${local}`,
      ],
      toRemote,
    );
    return resolveCommit(local);
  };

  const log = async (args: readonly string[]): Promise<CommitInfo[]> =>
    parseCommitLog(
      await git([
        'log',
        '--first-parent',
        '-z',
        '--no-color',
        `--format=${COMMIT_LOG_FORMAT}`,
        ...args,
        '--',
      ]),
    );

  return {
    remoteHead: () =>
      serial(async () => {
        const out = await git(['ls-remote', '--refs', '--', remote.url, ref], toRemote);
        for (const line of out.split('\n')) {
          const [sha = '', name] = line.split('\t');
          if (name === ref) return checkSha(sha);
        }
        return undefined;
      }),

    fetch: () =>
      serial(async () => {
        return fetchRef(ref, tracking);
      }),

    fetchPull: async (number) => {
      if (!Number.isSafeInteger(number) || number < 1) {
        throw new GitError('invalid', `pull request number ${number} refused: a positive integer`);
      }
      const source = `refs/pull/${number}/head`;
      const local = `refs/dockstack/pull/${number}`;
      return await serial(async () => {
        const listed = await git(['ls-remote', '--refs', '--', remote.url, source], toRemote);
        if (!listed.split('\n').some((line) => line.split('\t')[1] === source)) return undefined;
        return fetchRef(source, local);
      });
    },

    firstParentLog: async (head, since, limit) => {
      const range = [
        checkSha(head),
        ...(since === undefined ? [] : [`^${checkSha(since, 'since')}`]),
      ];
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
        throw new GitError('invalid', `log limit ${limit} refused: a positive integer`);
      }
      const max = limit === undefined ? [] : [`--max-count=${limit}`];
      return await serial(async () => (await log([...max, ...range])).reverse());
    },

    readFile: async (commit, path) => {
      const sha = checkSha(commit);
      checkPath(path);
      return await serial(async () => {
        const entry = treeEntry(
          await git(['ls-tree', '-z', '-l', '--full-tree', sha, '--', path]),
          path,
        );
        if (entry === undefined) return undefined;
        const at = `${path} at ${sha.slice(0, 12)}`;
        if (!isRegularFile(entry)) {
          throw new GitError('invalid', `${at} is not a regular file`);
        }
        if (entry.size > maxFileBytes) {
          throw new GitError(
            'invalid',
            `${at} is ${entry.size} bytes, over the limit of ${maxFileBytes}`,
          );
        }
        return git(['cat-file', 'blob', entry.object]);
      });
    },

    readFolder: async (commit, path) => {
      const sha = checkSha(commit);
      checkPath(path);
      return await serial(async () => {
        const at = (where: string) => `${where} at ${sha.slice(0, 12)}`;
        const folder = treeEntry(
          await git(['ls-tree', '-z', '-l', '--full-tree', sha, '--', path]),
          path,
        );
        if (folder === undefined) return undefined;
        if (folder.type !== 'tree') throw new GitError('invalid', `${at(path)} is not a folder`);
        const listed = treeEntries(
          await git(['ls-tree', '-r', '-z', '-l', '--full-tree', sha, '--', `${path}/`]),
        );
        const files = new Map<string, string>();
        let total = 0;
        for (const entry of listed) {
          const inside = folderEntry(path, entry.path);
          if (inside.refused !== undefined) {
            throw new GitError(
              'invalid',
              `the tree under ${at(path)} holds ${JSON.stringify(entry.path)}, which is refused: ${inside.refused} (git never makes such an entry: the tree was crafted; remove it)`,
            );
          }
          if (!isRegularFile(entry)) {
            throw new GitError('invalid', `${at(entry.path)} is not a regular file`);
          }
          total += entry.size;
          if (total > maxFileBytes) {
            throw new GitError(
              'invalid',
              `the files under ${at(path)} are over the limit of ${maxFileBytes} bytes together`,
            );
          }
          files.set(inside.path, await git(['cat-file', 'blob', entry.object]));
        }
        return files;
      });
    },

    findLastTrailer: async (head, key) => {
      const sha = checkSha(head);
      checkTrailerKey(key);
      return await serial(async () => {
        for (let skip = 0; ; skip += LOG_BATCH) {
          const batch = await log([
            '--fixed-strings',
            '--regexp-ignore-case',
            `--grep=${key}`,
            `--max-count=${LOG_BATCH}`,
            `--skip=${skip}`,
            sha,
          ]);
          const found = batch.find((commit) => trailerValues(commit, key).length > 0);
          if (found !== undefined) return found;
          if (batch.length < LOG_BATCH) return undefined;
        }
      });
    },

    whyNotOwn: (commit) => {
      checkSha(commit.sha);
      return serial(() => whyNotOwn(context, local, bot, commit));
    },

    isAncestor: async (ancestor, descendant) => {
      const range = [checkSha(ancestor, 'ancestor'), checkSha(descendant)];
      return await serial(async () => {
        const known = await runGit(
          context,
          ['rev-parse', '--verify', '--quiet', '--end-of-options', `${range[0] ?? ''}^{commit}`],
          local,
        );
        if (known.exitCode !== 0) return false;
        const answer = await runGit(context, ['merge-base', '--is-ancestor', ...range], local);
        if (answer.exitCode > 1) throw failure(context, 'merge-base', answer);
        return answer.exitCode === 0;
      });
    },

    commit: async (parent, files, message, trailers, options = {}) => {
      const sha = checkSha(parent, 'parent');
      for (const path of Object.keys(files)) checkPath(path);
      const text = commitMessage(message, trailers);
      const always = options.always === true;
      if (Object.keys(files).length === 0 && !always) return undefined;
      return await serial(() =>
        buildCommit(context, localTimeoutMs, {
          parent: sha,
          files,
          message: text,
          author,
          ...(key?.privateKeyFile === undefined ? {} : { sign: true }),
          ...(always ? { always } : {}),
        }),
      );
    },

    push: async (commit) => {
      const sha = checkSha(commit);
      return await serial(async () => {
        const pushed = await pushRef(context, toRemote, {
          url: remote.url,
          sha,
          target: ref,
          name: branch,
          options: [],
        });
        if (pushed === 'rejected') return 'rejected';
        // As a transaction: git then prints "start: ok", and simple-git does not wait 50 ms for
        // output that never comes.
        await git(['update-ref', '--stdin'], {
          ...local,
          input: `start\nupdate ${tracking} ${sha}\ncommit\n`,
        });
        return 'pushed';
      });
    },

    pushTo: async (commit, name) => {
      const sha = checkSha(commit);
      const target = `refs/heads/${checkBranch(name)}`;
      if (target === ref) {
        throw new GitError('invalid', `pushTo creates new branches, not the followed ${branch}`);
      }
      // An empty expected value makes the lease create-only: the remote updates the ref only
      // while it does not exist, so nothing is ever overwritten or moved, not even forward.
      const lease = [`--force-with-lease=${target}:`];
      const push = { url: remote.url, sha, target, name, options: lease };
      return await serial(async () =>
        (await pushRef(context, toRemote, push)) === 'updated' ? 'pushed' : 'exists',
      );
    },
  };
}

function checkWorkDir(dir: string): string {
  // eslint-disable-next-line no-control-regex
  if (!isAbsolute(dir) || /[\x00-\x1f\x7f]/.test(dir) || normalize(dir) === '/') {
    throw new GitError(
      'invalid',
      `working dir ${JSON.stringify(dir)} refused: an absolute path below /`,
    );
  }
  return normalize(dir).replace(/\/+$/, '');
}

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  /** NaN for what is not a blob. */
  size: number;
  path: string;
}

/** The entries of `git ls-tree -z -l` output. */
function treeEntries(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', object = '', size = ''] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, object, size: Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** The entry named `path` in `git ls-tree -z -l` output. */
function treeEntry(output: string, path: string): TreeEntry | undefined {
  return treeEntries(output).find((entry) => entry.path === path);
}

function isRegularFile(entry: TreeEntry): boolean {
  return entry.type === 'blob' && (entry.mode === '100644' || entry.mode === '100755');
}
