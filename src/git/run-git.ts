import { GitPluginError, simpleGit } from 'simple-git';

import { GitError } from './git-error.js';
import { gitErrorKind } from './git-error-kind.js';
import { redact } from '../util/redact.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';

/** Where and how every git command of one env repo runs. */
export interface GitContext {
  cwd: string;
  /** The complete environment of git: nothing is inherited from the process. */
  env: Readonly<Record<string, string>>;
  /** Settings passed as `-c key=value` to every command. */
  config: readonly string[];
  /** Hidden from every message. */
  secrets: readonly string[];
  log?: Log | undefined;
}

export interface RunOptions {
  timeoutMs: number;
  /** Talks to the remote: a passed deadline then means the remote is unreachable. */
  remote?: boolean;
  /** Written to git's stdin. */
  input?: string;
  /** Added to the context's environment. */
  env?: Readonly<Record<string, string>>;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs one git command and returns its output and exit code, whatever the code. Throws GitError
 * only when the command did not run to its end: the deadline passed (git is killed), or
 * simple-git refused the arguments or environment as unsafe.
 */
export async function runGit(
  context: GitContext,
  args: readonly string[],
  options: RunOptions,
): Promise<GitOutput> {
  const env = { ...context.env, ...options.env };
  let result: GitOutput = { stdout: '', stderr: '', exitCode: -1 };
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort();
  }, options.timeoutMs);
  const git = simpleGit({
    baseDir: context.cwd,
    config: [...context.config],
    allowEnvironment: Object.keys(env),
    abort: deadline.signal,
    ...(options.input === undefined ? {} : { input: () => options.input }),
    errors: (error, output) => {
      result = {
        stdout: Buffer.concat(output.stdOut).toString('utf8'),
        stderr: Buffer.concat(output.stdErr).toString('utf8'),
        exitCode: typeof output.exitCode === 'number' ? output.exitCode : -1,
      };
      return error instanceof GitPluginError ? error : undefined;
    },
  }).env(env);
  const started = performance.now();
  const command = args[0] ?? '';
  let thrown: { error: unknown } | undefined;
  try {
    await git.raw([...args]);
  } catch (error) {
    thrown = { error };
  } finally {
    clearTimeout(timer);
    context.log?.debug(
      { command, exitCode: result.exitCode, ms: Math.round(performance.now() - started) },
      'git',
    );
  }
  if (deadline.signal.aborted && (thrown !== undefined || result.exitCode !== 0)) {
    throw timeout(command, options);
  }
  if (thrown !== undefined) throw refusal(context, command, thrown.error);
  return result;
}

/** Like runGit, but a non-zero exit becomes a GitError of the kind git's stderr tells. */
export async function runGitOk(
  context: GitContext,
  args: readonly string[],
  options: RunOptions,
): Promise<string> {
  const output = await runGit(context, args, options);
  if (output.exitCode !== 0) throw failure(context, args[0] ?? '', output);
  return output.stdout;
}

/** The GitError for a command that ran and failed. */
export function failure(context: GitContext, command: string, output: GitOutput): GitError {
  const stderr = redact(output.stderr.trim(), context.secrets);
  const lines = stderr.split('\n').filter((line) => !line.startsWith('hint:'));
  const summary = lines.slice(0, 6).join(' / ') || `exit code ${output.exitCode}`;
  return new GitError(gitErrorKind(stderr), `git ${command} failed: ${summary}`, stderr);
}

function timeout(command: string, options: RunOptions): GitError {
  const seconds = options.timeoutMs / 1000;
  return options.remote === true
    ? new GitError('unreachable', `git ${command}: the remote did not answer within ${seconds} s`)
    : new GitError('internal', `git ${command} did not finish within ${seconds} s`);
}

function refusal(context: GitContext, command: string, error: unknown): GitError {
  const plugin = error instanceof GitPluginError ? error.plugin : undefined;
  const message = errorMessage(error);
  const kind = plugin === 'unsafe' || plugin === 'allowEnvironment' ? 'invalid' : 'internal';
  return new GitError(kind, `git ${command} refused: ${redact(message, context.secrets)}`);
}
