import { addressNote } from './address-note.js';
import { groupRefreshed, type RefreshLine } from './format-refreshed.js';
import { volumeLine } from './format-plan.js';
import { hostStepDetail } from './host-step-detail.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { formatProblem, type Problem } from '../environment/problem.js';
import { countSteps } from '../plan/count-steps.js';
import { planSteps, type Plan, type Step } from '../plan/plan.js';
import { compareText } from '../util/compare-text.js';
import { mdBlock, mdCode, mdCommit, mdText } from './markdown.js';
import { rollingSequences } from './rolling-sequence.js';

export const PLAN_MARKER = '<!-- dockstack:plan -->';

/** GitHub's limit on a comment or check run summary. */
export const MAX_REPORT = 65_535;

export interface FileChange {
  path: string;
  /** A unified diff. */
  diff: string;
}

export interface PlanReportInput {
  headSha: string;
  envPath: string;
  plan: Plan;
  /** Hosts that could not be observed: their containers are left out of the plan. */
  unreachable: { host: string; error: string }[];
  /**
   * Hosts planned as if they ran nothing, never connected to: `changed`, their `hosts:` entry
   * changes; `new`, the base branch does not name them.
   */
  offline?: readonly { host: string; why: 'changed' | 'new' }[];
  /** What merging changes in the files dockstack writes back. */
  files: FileChange[];
  /** Containers that keep running but whose Puppet configuration changes, and why. */
  refreshed: readonly RefreshLine[];
  /** A commit's page, for links. */
  commitUrl?: (sha: string) => string;
  /** Containers whose address is new (neither in the file nor recorded): marked new. */
  fresh?: readonly string[];
  /** Containers back in the file at the address their name kept: marked returning. */
  returning?: readonly string[];
}

export interface Report {
  /** One line: the check's title or the status's description. */
  title: string;
  /** Markdown. */
  body: string;
}

const TITLE_WORDS: Partial<Record<string, string>> = {
  conflict: 'to resolve',
  network: 'networks to make',
  switch: 'switches to set up',
  tunnel: 'tunnels to make',
};

const VERB: Record<Step['action'], string> = {
  create: '➕ create',
  recreate: '♻️ recreate',
  restore: '↩️ restore',
  start: '▶️ start',
  stop: '⏸️ stop',
  remove: '➖ remove',
  conflict: '⛔ blocked',
  attach: '🔌 attach',
  configure: '⚙️ configure',
};

/**
 * The plan of a pull request as a reviewer reads it: per host, the containers to create, remove,
 * recreate, start and stop with the addresses they get; the containers whose configuration is
 * refreshed; the diff merging causes in `registered_services`, `site.pp` and the dnsmasq data.
 * Stays within GitHub's 65,535 characters: the diffs are cut first.
 */
export function planReport(input: PlanReportInput): Report {
  const steps = planSteps(input.plan);
  const counts = countSteps(input.plan).total;
  const parts = (
    [
      'create',
      'recreate',
      'start',
      'stop',
      'remove',
      'attach',
      'configure',
      'network',
      'switch',
      'tunnel',
      'conflict',
    ] as const
  )
    .filter((action) => counts[action] > 0)
    .map((action) => `${counts[action]} ${TITLE_WORDS[action] ?? `to ${action}`}`);
  const offline = input.offline ?? [];
  const title =
    (parts.length === 0 ? 'No changes to the hosts' : parts.join(', ')) +
    (offline.length === 0 ? '' : `; ${String(offline.length)} host(s) planned offline`);
  const lines = [
    PLAN_MARKER,
    `### dockstack plan for ${mdCommit(input.headSha, input.commitUrl)}: ${title}`,
    '',
  ];
  if (steps.length === 0 && input.plan.hostSteps.length === 0)
    lines.push('Merging changes no container.', '');
  if (input.plan.hostSteps.length > 0) {
    lines.push('**Network**', '', '| host | step | what | why |', '|---|---|---|---|');
    for (const step of input.plan.hostSteps) {
      const what = hostStepDetail(step);
      lines.push(
        `| ${mdText(step.host)} | ${step.action} ${mdCode(step.name)} | ${mdText(what)} | ${mdText(step.reason)} |`,
      );
    }
    lines.push('');
  }
  for (const [host, hostSteps] of byHost(steps)) {
    lines.push(
      `**${mdText(host)}**`,
      '',
      '| | container | service | address | why |',
      '|---|---|---|---|---|',
    );
    for (const step of hostSteps) {
      lines.push(
        `| ${VERB[step.action]} | ${mdCode(step.name)} | ${mdText(step.service ?? '')} | ${address(step, addressNote(step.name, input.fresh, input.returning))} | ${mdText(step.reason)} |`,
      );
    }
    lines.push('');
  }
  const rolling = rollingSequences(input.plan);
  if (rolling.length > 0) {
    lines.push('**Rolling replacements**', '', ...rolling.map((line) => `- ${mdText(line)}`), '');
  }
  const volumes = steps.flatMap((step) => {
    const line = volumeLine(step);
    return line === undefined
      ? []
      : [`- ${mdCode(step.name)} on ${mdText(step.host)}: ${mdText(line)}`];
  });
  if (volumes.length > 0) {
    lines.push(
      '**Volumes**: data a merge never deletes (`dockstack volumes prune` removes those of containers gone from the file):',
      '',
      ...volumes,
      '',
    );
  }
  if (input.refreshed.length > 0) {
    lines.push(
      '**Puppet agents kicked** (`puppet agent --test`: a peer in its own tier, the others once every tier is up), as the manifest data they read changes:',
      '',
      ...groupRefreshed(input.refreshed).map(
        ([names, why]) => `- ${names.map(mdCode).join(', ')}: ${mdText(why)}`,
      ),
      '',
    );
  }
  if (offline.length > 0) {
    const changed = offline.some((o) => o.why === 'changed');
    lines.push(
      ...(changed ? ['🔐 **This pull request changes `hosts:`.**', ''] : []),
      'Planned offline, as if they ran nothing (a pull request is planned with the hosts, endpoints and TLS files of the base branch only; these are reached once it is merged):',
      '',
      ...offline.map(
        (o) =>
          `- ${mdCode(o.host)}: ${o.why === 'changed' ? 'its `hosts:` entry changes' : 'not a host of the base branch'}`,
      ),
      '',
    );
  }
  for (const u of input.unreachable) {
    lines.push(
      `⚠️ Docker host ${mdCode(u.host)} did not answer (${mdText(u.error)}): its containers are not in this plan.`,
      '',
    );
  }
  if (steps.some((s) => s.action === 'conflict')) {
    lines.push(
      '⛔ A container dockstack does not manage holds a name the environment asks for: it is never touched, so that step will fail until it is renamed or removed by hand.',
      '',
    );
  }
  const head = lines.join('\n');
  return { title, body: head + filesSection(input.files, MAX_REPORT - head.length - 200) };
}

/** The report of a pull request whose environment file is invalid: every problem, where it is. */
export function invalidReport(
  headSha: string,
  problems: readonly Problem[],
  commitUrl?: (sha: string) => string,
): Report {
  const title = `${problems.length} problem${problems.length === 1 ? '' : 's'} in the environment file`;
  const lines = [
    PLAN_MARKER,
    `### dockstack plan for ${mdCommit(headSha, commitUrl)}: ❌ ${title}`,
    '',
    'Merging this would apply nothing: the daemon refuses an invalid environment and leaves every host as it is.',
    '',
  ];
  const shown = problems.slice(0, 200).map(formatProblem);
  const block = mdBlock('', shown.join('\n'));
  lines.push(block.length > MAX_REPORT - 2000 ? mdBlock('', shown.slice(0, 50).join('\n')) : block);
  if (problems.length > shown.length)
    lines.push('', `… and ${problems.length - shown.length} more.`);
  return { title, body: lines.join('\n') };
}

function filesSection(files: readonly FileChange[], room: number): string {
  if (files.length === 0) return '';
  let text =
    '\n<details><summary>What merging changes in the files dockstack writes back</summary>\n\n';
  for (const file of files) {
    const block = `${mdBlock('diff', file.diff)}\n\n`;
    if (text.length + block.length > room) {
      text += `The diff of ${mdCode(file.path)} is too long to show here.\n\n`;
    } else text += block;
  }
  return `${text}</details>\n`;
}

function address(step: Step, note: string): string {
  const spec: ContainerSpec | undefined = 'spec' in step ? step.spec : undefined;
  if (spec === undefined || step.action === 'stop') return '';
  const ip = spec.ipaddress === undefined ? 'assigned at start' : `${spec.ipaddress}${note}`;
  return mdText(spec.macAddress === undefined ? ip : `${ip}, ${spec.macAddress}`);
}

function byHost(steps: readonly Step[]): Map<string, Step[]> {
  const hosts = new Map<string, Step[]>();
  for (const step of [...steps].sort((a, b) => compareText(a.host, b.host))) {
    hosts.set(step.host, [...(hosts.get(step.host) ?? []), step]);
  }
  return hosts;
}
