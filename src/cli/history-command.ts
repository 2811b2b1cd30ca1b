import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { auditTrail, type AuditEntry } from '../pass/audit-trail.js';
import { formatProblem } from '../environment/problem.js';
import { createGitEnvRepo } from '../git/git-env-repo.js';
import { commandAgeKeys } from './age-keys.js';
import { EXIT, ExitError, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { repoArgument } from './repo-argument.js';
import { errorMessage } from '../util/error-message.js';

export interface HistoryOptions {
  repo: string;
  branch: string;
  envPath: string;
  workdir?: string;
  limit: string;
  json?: boolean;
  /** The daemon's identity: only its commits are its records. */
  botName: string;
  botEmail: string;
  signingKeyFile?: string;
  /** An age identity file that opens the secrets file (`--age-identity-file`). */
  ageIdentityFile?: string;
}

/** `dockstack history`: the audit trail from git log: each change, who made it, when it was applied, what resulted. */
export async function historyCommand(options: HistoryOptions, out: Output): Promise<ExitCode> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new ExitError(
      EXIT.invalid,
      `--limit must be a positive whole number, not ${options.limit}`,
    );
  const url = repoArgument(options.repo);
  const key = createHash('sha256').update(`${url}\n${options.branch}`).digest('hex').slice(0, 16);
  // Without --workdir the clone goes into a temporary folder that is removed afterwards.
  const temporary =
    options.workdir === undefined ? mkdtempSync(join(tmpdir(), 'dockstack-history-')) : undefined;
  let head: string;
  let entries: AuditEntry[];
  try {
    let repo;
    try {
      repo = createGitEnvRepo({
        url,
        branch: options.branch,
        workDir: join(resolve(options.workdir ?? temporary ?? '.'), key),
        author: { name: options.botName, email: options.botEmail },
        ...(options.signingKeyFile === undefined || options.signingKeyFile === ''
          ? {}
          : { signingKey: options.signingKeyFile }),
      });
    } catch (error) {
      throw new ExitError(EXIT.invalid, errorMessage(error));
    }
    head = await repo.fetch();
    const commits = await repo.firstParentLog(head, undefined, limit);
    entries = (
      await auditTrail(repo, options.envPath, commits, commandAgeKeys(options.ageIdentityFile))
    ).reverse();
  } finally {
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  }
  if (options.json === true) {
    out.stdout(
      `${JSON.stringify({ repo: url, branch: options.branch, head, changes: entries }, null, 2)}\n`,
    );
  } else {
    out.stdout(entries.map(formatEntry).join('\n'));
  }
  return EXIT.ok;
}

function formatEntry(entry: AuditEntry): string {
  const lines = [
    `${entry.sha.slice(0, 12)}  ${entry.date}  ${entry.author}`,
    `    ${entry.subject}`,
  ];
  if (!entry.valid) {
    for (const problem of entry.problems ?? [])
      lines.push(`    invalid: ${formatProblem(problem)}`);
    lines.push('    applied nothing: its environment is invalid');
    return `${lines.join('\n')}\n`;
  }
  const d = entry.delta;
  if (d !== undefined) {
    const changes = [
      ...d.added.map((n) => `+ ${n}`),
      ...d.removed.map((n) => `- ${n}`),
      ...d.changed.map((n) => `~ ${n} (changed)`),
      ...d.started.map((n) => `~ ${n} (started)`),
      ...d.stopped.map((n) => `~ ${n} (stopped)`),
    ];
    lines.push(`    ${changes.length === 0 ? 'no container changes' : changes.join(', ')}`);
  }
  lines.push(
    entry.applied === undefined
      ? '    not applied yet'
      : `    applied ${entry.applied.date} in ${entry.applied.commit.slice(0, 12)}: ${entry.applied.result}${entry.applied.steps === '' ? '' : ` (${entry.applied.steps})`}`,
  );
  return `${lines.join('\n')}\n`;
}
