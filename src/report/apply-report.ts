import type { Reconciliation } from '../apply/reconciliation.js';
import type { Kick } from '../configure/kick-agents.js';
import { kickVerdict } from './format-kicks.js';
import type { ContainerState } from '../plan/compare-state.js';
import { cut, mdCode, mdCommit, mdText } from './markdown.js';
import { MAX_REPORT, type Report } from './plan-report.js';

export const APPLY_MARKER = '<!-- dockstack:apply -->';

export interface ApplyReportInput {
  /** The commit whose environment was applied. */
  applied: string;
  reconciliation: Reconciliation;
  /** Desired against observed after the apply. */
  state: readonly ContainerState[];
  /** Container name -> its addresses as the engine reports them. */
  addresses: ReadonlyMap<string, readonly string[]>;
  /** The agents kicked after the apply, and how each run ended. */
  kicked?: readonly Kick[];
  /** The bot's write-back commit, when one was pushed. */
  writeBack?: string;
  /** Where the daemon's status API is, for the details. */
  statusUrl?: string;
  /** A commit's page, for links. */
  commitUrl?: (sha: string) => string;
}

/**
 * The result of applying a merge, for the pull request: what each step did and how long it
 * took, what failed and why, and what now runs where with its addresses.
 */
export function applyReport(input: ApplyReportInput): Report {
  const { result, unreachable } = input.reconciliation;
  const failed = result.steps.filter((s) => s.outcome === 'failed');
  const converged = result.converged;
  const title = converged
    ? `converged: ${result.steps.length} step${result.steps.length === 1 ? '' : 's'} in ${seconds(result.durationMs)}`
    : `NOT converged: ${failed.length} failed, ${unreachable.length} host${unreachable.length === 1 ? '' : 's'} unreachable`;
  const lines = [
    APPLY_MARKER,
    `### dockstack apply of ${mdCommit(input.applied, input.commitUrl)}: ${converged ? '✅' : '❌'} ${mdText(title)}`,
    '',
  ];
  if (result.steps.length > 0) {
    lines.push('| step | container | host | took | result |', '|---|---|---|---|---|');
    for (const step of result.steps) {
      const undone = step.rolledBack === undefined ? '' : 'rolled back to its old container: ';
      const outcome =
        step.outcome === 'done' ? 'done' : `❌ ${mdText(`${undone}${step.error ?? 'failed'}`)}`;
      lines.push(
        `| ${step.action} | ${mdCode(step.name)} | ${mdText(step.host)} | ${seconds(step.durationMs)} | ${outcome} |`,
      );
    }
    lines.push('');
  }
  for (const step of result.steps) {
    const last = step.rolledBack?.lastLines.trimEnd() ?? '';
    if (last === '') continue;
    lines.push(
      `<details><summary>${mdCode(step.name)}: the new container's last lines</summary>`,
      '',
      '~~~~',
      last.replaceAll('~~~~', '~ ~ ~ ~'),
      '~~~~',
      '</details>',
      '',
    );
  }
  if (input.reconciliation.held.length > 0) {
    lines.push(
      `Held at this commit: ${input.reconciliation.held.map(mdCode).join(', ')} run their old containers until a new commit or \`dockstack retry\`.`,
      '',
    );
  }
  for (const host of unreachable) {
    lines.push(
      `⚠️ Docker host ${mdCode(host.host)} was unreachable (${mdText(host.error)}); left as it was: ${host.containers.map(mdCode).join(', ') || 'no container'}.`,
      '',
    );
  }
  const kicked = input.kicked ?? [];
  if (kicked.length > 0) {
    const failedKicks = kicked.filter((k) => k.outcome === 'failed').length;
    lines.push(
      `Puppet agents kicked (\`puppet agent --test\`): ${kicked.length}${failedKicks > 0 ? `, ${failedKicks} failed (kicked again on the next pass)` : ''}`,
      '',
      '| container | host | took | result | why |',
      '|---|---|---|---|---|',
    );
    for (const kick of kicked) {
      const verdict =
        kick.outcome === 'failed' ? `❌ ${mdText(kick.error ?? 'failed')}` : kickVerdict(kick);
      lines.push(
        `| ${mdCode(kick.name)} | ${mdText(kick.host)} | ${seconds(kick.durationMs)} | ${verdict} | ${mdText(kick.reasons.join('; '))} |`,
      );
    }
    lines.push('');
  }
  const running = input.state.filter((c) => c.desired !== 'absent');
  if (running.length > 0) {
    lines.push('<details><summary>What runs where now</summary>', '');
    lines.push('| host | container | service | state | addresses |', '|---|---|---|---|---|');
    for (const c of running) {
      const state = c.observed === c.desired ? c.observed : `${c.observed} (wanted ${c.desired})`;
      const addresses = (input.addresses.get(c.name) ?? []).join(', ');
      lines.push(
        `| ${mdText(c.host)} | ${mdCode(c.name)} | ${mdText(c.service ?? '')} | ${state} | ${mdText(addresses)} |`,
      );
    }
    lines.push('', '</details>', '');
  }
  if (input.writeBack !== undefined) {
    lines.push(`Recorded in ${mdCommit(input.writeBack, input.commitUrl)} on the branch.`);
  }
  if (input.statusUrl !== undefined) lines.push(`Details: ${input.statusUrl}`);
  return { title, body: cut(lines.join('\n'), MAX_REPORT) };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
