import type { Reconciliation } from '../apply/reconciliation.js';
import { formatRefreshed, type RefreshLine } from './format-refreshed.js';
import { TRAILERS } from './trailers.js';

export interface WriteBackMessageInput {
  appliedCommit: string;
  reconciliation: Reconciliation;
  /** What runs now, per service. */
  registered: Record<string, string[]>;
  /** The running containers whose Puppet configuration the applied change alters, and why. */
  refreshed?: readonly RefreshLine[];
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
      ...(input.refreshed === undefined || input.refreshed.length === 0
        ? {}
        : { [TRAILERS.refreshed]: String(input.refreshed.length) }),
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
    lines.push(`  ${step.name}: ${oneLine(step.error ?? 'failed')}`);
  }
  for (const host of unreachable) {
    lines.push(`unreachable: ${host.host} (${oneLine(host.error)})`);
  }
  const refreshed = formatRefreshed(input.refreshed ?? []);
  if (refreshed !== '') lines.push('', refreshed.trimEnd());
  const registered = Object.entries(input.registered).filter(([, names]) => names.length > 0);
  lines.push(
    '',
    'Running now:',
    ...registered.map(([service, names]) => `  ${service}: ${names.join(', ')}`),
  );
  return lines.join('\n');
}

function failed(input: WriteBackMessageInput) {
  return input.reconciliation.result.steps.filter((s) => s.outcome === 'failed');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
