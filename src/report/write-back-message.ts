import type { Reconciliation } from '../apply/reconciliation.js';
import type { Configured } from '../configure/configured.js';
import { formatKicks } from './format-kicks.js';
import { formatNotKicked } from './format-refreshed.js';
import { TRAILERS } from './trailers.js';

export interface WriteBackMessageInput {
  appliedCommit: string;
  reconciliation: Reconciliation;
  /** What runs now, per service. */
  registered: Record<string, string[]>;
  /**
   * The configure stage: the running containers whose Puppet configuration changed since the
   * last configured commit, and the agents kicked. Absent: nothing was configured (no git).
   */
  configured?: Configured;
}

/**
 * The bot's commit message after an apply: what it did and what runs now, with trailers that
 * name the applied commit and the result (read back to know what was applied last).
 */
export function writeBackMessage(input: WriteBackMessageInput): {
  message: string;
  trailers: Record<string, string>;
} {
  const { result, unreachable } = input.reconciliation;
  const failed = result.steps.filter((s) => s.outcome === 'failed');
  const done = result.steps.length - failed.length;
  const counts = `${done} done, ${failed.length} failed, ${unreachable.length} hosts unreachable`;
  return {
    message: commitMessage(input, counts),
    trailers: {
      [TRAILERS.applied]: input.appliedCommit,
      [TRAILERS.result]: result.converged ? 'converged' : 'failed',
      [TRAILERS.steps]: counts,
      ...(input.reconciliation.held.length === 0
        ? {}
        : { [TRAILERS.rolledBack]: input.reconciliation.held.join(' ') }),
      ...configuredTrailers(input),
    },
  };
}

function commitMessage(input: WriteBackMessageInput, counts: string): string {
  const { result, unreachable } = input.reconciliation;
  const short = input.appliedCommit.slice(0, 12);
  const verdict = result.converged ? 'converged' : 'NOT converged';
  const lines = [`dockstack: ${verdict} at ${short}`, '', `${counts}.`];
  const byAction = new Map<string, string[]>();
  for (const step of result.steps) {
    const key = step.outcome === 'done' ? step.action : `${step.action} FAILED`;
    byAction.set(key, [...(byAction.get(key) ?? []), `${step.name} on ${step.host}`]);
  }
  if (byAction.size > 0) lines.push('');
  for (const [action, names] of byAction) lines.push(`${action}: ${names.join(', ')}`);
  for (const step of failed(input)) {
    const undone = step.rolledBack === undefined ? '' : 'rolled back to its old container: ';
    lines.push(`  ${step.name}: ${undone}${oneLine(step.error ?? 'failed')}`);
    const last = step.rolledBack?.lastLines.trimEnd() ?? '';
    if (last !== '') {
      lines.push(
        `    the new container's last lines:`,
        ...last.split('\n').map((l) => `    | ${l}`),
      );
    }
  }
  const heldBefore = input.reconciliation.held.filter(
    (name) => !result.steps.some((s) => s.name === name && s.rolledBack !== undefined),
  );
  if (heldBefore.length > 0) {
    lines.push(
      `held: ${heldBefore.join(', ')} (rolled back at this commit before; a new commit or dockstack retry tries again)`,
    );
  }
  for (const host of unreachable) {
    lines.push(`unreachable: ${host.host} (${oneLine(host.error)})`);
  }
  const configured = input.configured;
  const kicked = new Set(configured?.kicked.map((k) => k.name));
  const refreshed = formatNotKicked(configured?.refreshed ?? [], kicked);
  if (refreshed !== '') lines.push('', refreshed.trimEnd());
  const kicks = formatKicks(configured?.kicked ?? []);
  if (kicks !== '') lines.push('', kicks.trimEnd());
  for (const upload of configured?.uploaded ?? []) {
    if (upload.outcome === 'failed') {
      lines.push(
        `puppet code NOT uploaded to ${upload.name} on ${upload.host}: ${oneLine(upload.error ?? 'failed')}`,
      );
    }
  }
  const registered = Object.entries(input.registered).filter(([, names]) => names.length > 0);
  lines.push(
    '',
    'Running now:',
    ...registered.map(([service, names]) => `  ${service}: ${names.join(', ')}`),
  );
  return lines.join('\n');
}

/** Configured, Refreshed, Kicked and Kick-Failed, when the configure stage ran. */
function configuredTrailers(input: WriteBackMessageInput): Record<string, string> {
  const configured = input.configured;
  if (configured === undefined) return {};
  const trailers: Record<string, string> = { [TRAILERS.configured]: input.appliedCommit };
  if (configured.refreshed.length > 0) {
    trailers[TRAILERS.refreshed] = String(configured.refreshed.length);
  }
  if (configured.kicked.length > 0) trailers[TRAILERS.kicked] = String(configured.kicked.length);
  const failed = configured.kicked.filter((k) => k.outcome === 'failed').map((k) => k.name);
  if (failed.length > 0) trailers[TRAILERS.kickFailed] = failed.join(' ');
  return trailers;
}

function failed(input: WriteBackMessageInput) {
  return input.reconciliation.result.steps.filter((s) => s.outcome === 'failed');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
