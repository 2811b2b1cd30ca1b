import { formatProblem } from '../../environment/problem.js';
import type { Output } from '../output.js';
import type { ContainerEdit } from './container-edit.js';
import type { EditResult } from './edit-services.js';

/** What an edit command did, as `--json` prints it. */
export interface EditOutcome {
  action: ContainerEdit['action'];
  name: string;
  /** The commit made; null when the file said so already. */
  commit: string | null;
  /** The branch the commit went to: the followed one, or the pull request's. */
  branch: string;
  pullRequest?: { number: number; url: string };
}

/** The outcome and the subject of the commit made. */
export interface EditDone {
  outcome: EditOutcome;
  subject?: string;
}

/** Prints what was done: for people, or as JSON. */
export function reportEdit({ outcome, subject }: EditDone, json: boolean, out: Output): void {
  if (json) {
    out.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    return;
  }
  if (outcome.commit === null) {
    out.stdout(`${nothingToCommit(outcome)}\n`);
    return;
  }
  const about = subject === undefined ? '' : `: ${subject}`;
  out.stdout(`Pushed ${outcome.commit.slice(0, 12)} to ${outcome.branch}${about}\n`);
  if (outcome.pullRequest !== undefined) {
    const { number, url } = outcome.pullRequest;
    out.stdout(`Opened pull request #${number}: ${url}\n`);
  }
}

/** Why nothing is committed: only start and stop can find the file as they would leave it. */
export function nothingToCommit(edit: Pick<ContainerEdit, 'action' | 'name'>): string {
  const state = edit.action === 'stop' ? 'stopped' : 'running';
  return `${edit.name} is ${state} in the environment already: nothing to commit`;
}

/** Prints a refused edit: its message and problems on stderr, and as JSON with --json. */
export function reportRefusal(
  result: Extract<EditResult, { ok: false }>,
  edit: ContainerEdit,
  json: boolean,
  out: Output,
): void {
  if (json) {
    const { action, name } = edit;
    const { message: error, problems } = result;
    out.stdout(`${JSON.stringify({ action, name, error, problems }, null, 2)}\n`);
  }
  out.stderr(`dockstack: ${edit.action} ${edit.name}: ${result.message}\n`);
  for (const problem of result.problems) out.stderr(`${formatProblem(problem)}\n`);
}
