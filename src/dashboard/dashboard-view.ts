import type { DashboardInput } from '../daemon/dashboard-pages.js';
import { notReady, type DaemonState } from '../daemon/daemon-state.js';
import { formatProblem } from '../environment/problem.js';
import type { ContainerState } from '../plan/compare-state.js';
import { compareText } from '../util/compare-text.js';

export interface DashboardView {
  repo: string;
  branch: string;
  envPath: string;
  head?: Short;
  summary: {
    /** `converged`, `failed`, `invalid`, `error`, or `starting` before the first pass. */
    outcome: string;
    at?: string;
    durationS?: string;
    degraded?: string;
    applied?: Short & { at: string; converged: boolean };
    /** The bot's last commit: what runs, written back. */
    writeBack?: Short;
    /** The agents the last configure stage that kicked any kicked, and the failures among them. */
    kicks?: { count: number; failed: number; names: string };
    containers: number;
    running: number;
    attention: number;
    hosts: number;
    unreachable: number;
  };
  hosts: HostView[];
  commits: CommitView[];
  /** Commits with the bot's trailers not taken for its records: warnings. */
  ignoredRecords?: (Short & { subject: string; reason: string })[];
  invalid?: string[];
  pendingEdit?: { at: string; valid: boolean; plan?: string; problems: string[] };
  pulls: PullView[];
  drift?: { at: string; items: string[]; problem?: string; repaired: number; failed: number };
  /** Members rolled back to their old containers, held until a new commit or a retry. */
  rolledBack?: {
    container: string;
    host: string;
    commit: string;
    at: string;
    reason: string;
    lastLines: string;
  }[];
}

interface Short {
  sha: string;
  short: string;
  url?: string;
}

export interface HostView {
  name: string;
  /** `reachable`, `unreachable` or `unknown` (not observed yet). */
  reach: 'reachable' | 'unreachable' | 'unknown';
  lastObserved?: string;
  error?: string;
  containers: number;
  tiers: TierView[];
}

export interface TierView {
  /** `tier 1`, ..., or `not in the environment` for containers it no longer names. */
  label: string;
  services: string;
  containers: ContainerView[];
}

export interface ContainerView {
  name: string;
  service: string;
  /** One word for the badge: running, stopped, missing, blocked, unknown, removing. */
  state: string;
  /** `ok`, `warn` (needs a step) or `bad` (missing, blocked, unhealthy, unknown). */
  tone: 'ok' | 'warn' | 'bad';
  desired: string;
  health?: string;
  address?: string;
  mac?: string;
  drifted: boolean;
}

export interface PullView {
  number: number;
  url?: string;
  head: Short;
  at: string;
  /** `planned`, `invalid` or `error`. */
  outcome: string;
  plan?: string;
  /** The environment's problems, or why it could not be planned. */
  problems: string[];
}

export interface CommitView extends Short {
  subject: string;
  author: string;
  date: string;
  delta: string;
  /** Labels: `applied`, `write-back`, `invalid`. */
  marks: string[];
}

/** The dashboard's content from the daemon's state: hosts, containers by tier, audit trail. */
export function dashboardView(input: DashboardInput): DashboardView {
  const { state, describe } = input;
  const short = (sha: string): Short => ({
    sha,
    short: sha.slice(0, 12),
    ...(input.commitUrl === undefined ? {} : { url: input.commitUrl(sha) }),
  });
  const containers = state.containers;
  const hostNames = new Set([...Object.keys(state.hosts), ...containers.map((c) => c.host)]);
  const unreachable = new Set(state.unreachable.map((u) => u.host));
  const hosts = [...hostNames].sort(compareText).map((name) => {
    const seen = state.hosts[name];
    const on = containers.filter((c) => c.host === name);
    const reach: HostView['reach'] =
      unreachable.has(name) || seen?.reachable === false
        ? 'unreachable'
        : seen === undefined
          ? 'unknown'
          : 'reachable';
    const error = seen?.error ?? state.unreachable.find((u) => u.host === name)?.error;
    return {
      name,
      reach,
      ...(seen === undefined ? {} : { lastObserved: seen.lastObserved }),
      ...(error === undefined ? {} : { error }),
      containers: on.length,
      tiers: tiersOf(on),
    };
  });
  const running = containers.filter((c) => c.observed === 'running').length;
  const attention = containers.filter((c) => toneOf(c) !== 'ok').length;
  const lastPass = state.lastPass;
  const applied = state.lastApplied;
  const commits = [...state.commits].reverse().map((commit) => {
    const marks: string[] = [];
    if (!commit.valid) marks.push('invalid');
    if (commit.sha === applied?.commit)
      marks.push(applied.converged ? 'applied' : 'applied, failed');
    if (commit.sha === state.lastWriteBack) marks.push('write-back');
    return {
      ...short(commit.sha),
      subject: commit.subject,
      author: commit.author,
      date: commit.date,
      delta: deltaText(commit.delta),
      marks,
    };
  });
  const view: DashboardView = {
    repo: describe.repo ?? '',
    branch: describe.branch ?? '',
    envPath: describe.envPath ?? '',
    ...(state.head === null ? {} : { head: short(state.head) }),
    summary: {
      outcome: lastPass?.outcome ?? 'starting',
      ...(lastPass === null
        ? {}
        : { at: lastPass.at, durationS: (lastPass.durationMs / 1000).toFixed(1) }),
      ...notReadyOf(state),
      ...(applied === null
        ? {}
        : { applied: { ...short(applied.commit), at: applied.at, converged: applied.converged } }),
      ...(state.lastWriteBack === null ? {} : { writeBack: short(state.lastWriteBack) }),
      ...kicksOf(state),
      containers: containers.length,
      running,
      attention,
      hosts: hosts.length,
      unreachable: hosts.filter((h) => h.reach === 'unreachable').length,
    },
    hosts,
    commits,
    pulls: state.pulls.map((pull) => ({
      number: pull.number,
      ...(input.pullUrl === undefined ? {} : { url: input.pullUrl(pull.number) }),
      head: short(pull.headSha),
      at: pull.at,
      outcome: pull.outcome,
      ...(pull.plan === undefined ? {} : { plan: pull.plan }),
      problems: [
        ...(pull.problems ?? []).map(formatProblem),
        ...(pull.error === undefined ? [] : [pull.error]),
      ],
    })),
  };
  if (state.invalid !== null) {
    view.invalid = state.invalid.map(formatProblem);
  }
  if (state.ignoredRecords.length > 0) {
    view.ignoredRecords = state.ignoredRecords.map((record) => ({
      ...short(record.commit),
      subject: record.subject,
      reason: record.reason,
    }));
  }
  const edit = state.pendingEdit;
  if (edit !== null) {
    view.pendingEdit = {
      at: edit.at,
      valid: edit.valid,
      ...(edit.plan === undefined ? {} : { plan: edit.plan }),
      problems: (edit.problems ?? []).map(formatProblem),
    };
  }
  if (state.rolledBack.length > 0) {
    view.rolledBack = state.rolledBack.map((r) => ({ ...r, commit: r.commit.slice(0, 12) }));
  }
  const drift = state.drift;
  if (drift !== null) {
    view.drift = {
      at: drift.at,
      items: drift.items.map((d) => `${d.host}/${d.container}: ${d.action} (${d.reason})`),
      ...(drift.problem === null ? {} : { problem: drift.problem }),
      repaired: drift.repaired,
      failed: drift.failed,
    };
  }
  return view;
}

function tiersOf(containers: readonly ContainerState[]): TierView[] {
  const byTier = new Map<number, ContainerState[]>();
  for (const c of containers) {
    const tier = c.tier ?? Number.MAX_SAFE_INTEGER;
    byTier.set(tier, [...(byTier.get(tier) ?? []), c]);
  }
  return [...byTier.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tier, members]) => ({
      label:
        tier === Number.MAX_SAFE_INTEGER ? 'not in the environment' : `tier ${String(tier + 1)}`,
      services: [...new Set(members.map((c) => c.service ?? '?'))].join(', '),
      containers: members
        .sort((a, b) => compareText(a.name, b.name))
        .map((c) => ({
          name: c.name,
          service: c.service ?? '?',
          state: c.desired === 'absent' ? 'removing' : c.observed,
          tone: toneOf(c),
          desired: c.desired,
          ...(c.health === undefined ? {} : { health: c.health }),
          ...(c.address === undefined ? {} : { address: c.address }),
          ...(c.mac === undefined ? {} : { mac: c.mac }),
          drifted: c.drifted,
        })),
    }));
}

/** Why the daemon is not ready, for the summary (see notReady). */
function notReadyOf(state: DaemonState): { degraded?: string } {
  const reason = notReady(state);
  return reason === null ? {} : { degraded: reason };
}

function toneOf(c: ContainerState): ContainerView['tone'] {
  if (c.health === 'unhealthy') return 'bad';
  if (c.ok) return 'ok';
  if (['missing', 'blocked', 'unknown'].includes(c.observed)) return 'bad';
  return 'warn';
}

function deltaText(
  delta: NonNullable<DaemonState['commits'][number]['delta']> | undefined,
): string {
  if (delta === undefined) return '';
  const parts = [
    ...delta.added.map((n) => `+${n}`),
    ...delta.removed.map((n) => `−${n}`),
    ...delta.changed.map((n) => `~${n}`),
    ...delta.started.map((n) => `▶${n}`),
    ...delta.stopped.map((n) => `■${n}`),
  ];
  return parts.join(' ');
}

/** The last kicks, when there were any: how many, how many failed, and whom. */
function kicksOf(state: DaemonState): { kicks?: { count: number; failed: number; names: string } } {
  const kicked = state.lastConfigured?.kicked ?? [];
  if (kicked.length === 0) return {};
  return {
    kicks: {
      count: kicked.length,
      failed: kicked.filter((k) => k.outcome === 'failed').length,
      names: kicked.map((k) => `${k.name}: ${k.outcome}`).join(', '),
    },
  };
}
