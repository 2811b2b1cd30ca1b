import { addressNote } from './address-note.js';
import { hostStepDetail } from './host-step-detail.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import { countSteps } from '../plan/count-steps.js';
import {
  isEmpty,
  type HostAction,
  type HostStep,
  type Plan,
  type PlanTier,
  type Step,
  type StepAction,
} from '../plan/plan.js';
import { rollingSequences } from './rolling-sequence.js';

export interface FormatOptions {
  /** Colour the symbols with ANSI escapes, for a terminal. */
  color: boolean;
  /** Containers whose address is new (neither in the file nor recorded): marked `(new)`. */
  fresh?: ReadonlySet<string>;
  /** Containers back in the file at the address their name kept: marked `(returning)`. */
  returning?: ReadonlySet<string>;
}

const SYMBOL: Record<StepAction | HostAction, string> = {
  network: '+',
  switch: '+',
  tunnel: '+',
  create: '+',
  recreate: '-/+',
  restore: '<-',
  start: '~',
  stop: '~',
  remove: '-',
  conflict: '!',
  attach: '~',
  configure: '*',
};

const ANSI: Record<StepAction | HostAction, string> = {
  network: '\u001b[36m',
  switch: '\u001b[36m',
  tunnel: '\u001b[36m',
  create: '\u001b[32m',
  recreate: '\u001b[35m',
  restore: '\u001b[33m',
  start: '\u001b[33m',
  stop: '\u001b[33m',
  remove: '\u001b[31m',
  conflict: '\u001b[1;31m',
  attach: '\u001b[36m',
  configure: '\u001b[34m',
};
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';

const PHASE_TITLE = {
  remove: 'Remove, last tier first:',
  deploy: 'Deploy, tier by tier:',
  configure: 'Then kick the Puppet agents, tier by tier:',
} as const;

export const NO_CHANGES = 'No changes. The hosts match the environment.';

/**
 * A terraform-like summary of the plan, per tier and host: `+` create (and the network or tunnel
 * of a host), `-` remove, `-/+` recreate, `~` start, stop or attach to the network, `*` configure,
 * `!` blocked by a container dockstack does not manage. Ends with the counts.
 */
export function formatPlan(plan: Plan, options: FormatOptions = { color: false }): string {
  if (isEmpty(plan)) return `${NO_CHANGES}\n`;
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);
  const lines: string[] = [];
  for (const phase of ['remove', 'hosts', 'deploy', 'configure'] as const) {
    if (phase === 'hosts') {
      if (plan.hostSteps.length > 0) lines.push(...hostLines(plan.hostSteps, paint), '');
      continue;
    }
    const tiers = plan.tiers.filter((tier) => tier.phase === phase);
    if (tiers.length === 0) continue;
    lines.push(PHASE_TITLE[phase], '');
    for (const tier of tiers) {
      lines.push(`  ${tierTitle(tier)}`);
      for (const [host, steps] of byHost(tier.steps)) {
        lines.push(`    on ${host}`);
        const width = Math.max(...steps.map((step) => step.name.length));
        for (const step of steps) {
          const symbol = paint(ANSI[step.action], SYMBOL[step.action].padStart(3));
          const note = addressNote(step.name, options.fresh, options.returning);
          const details = [step.name.padEnd(width), ...detailsOf(step, note)].join('  ');
          lines.push(`    ${symbol} ${details}  # ${step.reason}`);
          const volumes = volumeLine(step);
          if (volumes !== undefined) lines.push(`${' '.repeat(8 + width)}${volumes}`);
        }
      }
      lines.push('');
    }
  }
  const rolling = rollingSequences(plan);
  if (rolling.length > 0)
    lines.push('Rolling replacements:', '', ...rolling.map((l) => `  ${l}`), '');
  lines.push(paint(BOLD, summary(plan)));
  return `${lines.join('\n')}\n`;
}

function hostLines(
  steps: readonly HostStep[],
  paint: (code: string, text: string) => string,
): string[] {
  const lines = ['Hosts:', ''];
  for (const [host, onHost] of byHost(steps)) {
    lines.push(`    on ${host}`);
    for (const step of onHost) {
      const symbol = paint(ANSI[step.action], SYMBOL[step.action].padStart(3));
      const what = `${step.action} ${step.name}  ${hostStepDetail(step)}`;
      lines.push(`    ${symbol} ${what}  # ${step.reason}`);
    }
  }
  return lines;
}

function tierTitle(tier: PlanTier): string {
  if (tier.tier === null) return 'services outside the tier order';
  return `tier ${tier.tier + 1}: ${tier.service ?? '?'}`;
}

function byHost<S extends { host: string }>(steps: readonly S[]): Map<string, S[]> {
  const hosts = new Map<string, S[]>();
  for (const step of steps) {
    const members = hosts.get(step.host);
    if (members === undefined) hosts.set(step.host, [step]);
    else members.push(step);
  }
  return hosts;
}

function detailsOf(step: Step, note: string): string[] {
  const addresses = (spec: ContainerSpec) => addressesOf(spec, note);
  switch (step.action) {
    case 'remove':
      return [
        `id ${shortId(step.id)}`,
        ...(step.dockerName === undefined ? [] : [`docker name ${step.dockerName}`]),
      ];
    case 'conflict':
      return ['blocked'];
    case 'start':
    case 'stop':
      return [step.action, ...addresses(step.spec)];
    case 'create':
    case 'recreate':
      return [step.spec.image, ...addresses(step.spec), ...(step.start ? [] : ['not started'])];
    case 'attach':
      return ['attach', ...addresses(step.spec)];
    case 'restore':
      return ['restore', `id ${shortId(step.id)}`];
    case 'configure':
      return ['configure'];
  }
}

/** The containers the plan kicks (its configure steps). */
export function configureStepNames(plan: Plan): Set<string> {
  return new Set(
    plan.tiers.flatMap((t) => t.steps.filter((s) => s.action === 'configure').map((s) => s.name)),
  );
}

/**
 * What a step does to volumes, on a line of its own: `volumes: NAME at PATH (kept), ...` for a
 * created container, `keeps volumes: NAME, ...` for a removed one.
 */
export function volumeLine(step: Step): string | undefined {
  if (step.action === 'remove') {
    return step.keeps === undefined ? undefined : `keeps volumes: ${step.keeps.join(', ')}`;
  }
  if ((step.action !== 'create' && step.action !== 'recreate') || step.volumes === undefined) {
    return undefined;
  }
  const mounts = step.volumes.mounts.map((m) =>
    m.type === 'bind'
      ? `host folder ${m.source} at ${m.target}`
      : `${m.name} at ${m.target} (${m.state})`,
  );
  if (step.volumes.imageUnknown === true) {
    mounts.push('and a volume for each data folder of its image, once pulled');
  }
  return `volumes: ${mounts.join(', ')}`;
}

function addressesOf(spec: ContainerSpec, note: string): string[] {
  const found: string[] = [];
  if (spec.ipaddress !== undefined) found.push(`ip ${spec.ipaddress}${note}`);
  if (spec.macAddress !== undefined) found.push(`mac ${spec.macAddress}`);
  return found;
}

/**
 * `Plan: N to create, N to recreate, N to start, N to stop, N to remove.`, plus the network steps,
 * attaches, configurations and blocked names when there are any.
 */
function summary(plan: Plan): string {
  const { total } = countSteps(plan);
  const more = (n: number, what: string) => (n > 0 ? `, ${n} ${what}` : '');
  return (
    `Plan: ${total.create} to create, ${total.recreate} to recreate, ${total.start} to start, ` +
    `${total.stop} to stop, ${total.remove} to remove` +
    more(total.network, total.network === 1 ? 'network to make' : 'networks to make') +
    more(total.switch, total.switch === 1 ? 'switch to set up' : 'switches to set up') +
    more(total.tunnel, total.tunnel === 1 ? 'tunnel to make' : 'tunnels to make') +
    more(total.attach, 'to attach') +
    more(total.configure, 'to configure') +
    more(total.conflict, 'blocked') +
    '.'
  );
}

function shortId(id: string): string {
  return id.slice(0, 12);
}
