import { hostNames } from '../hosts/connect-hosts.js';
import { fileSource } from '../pass/file-source.js';
import { runPass, type ConnectHosts } from '../pass/run-pass.js';
import type { ContainerState } from '../plan/compare-state.js';
import type { UnreachableHost } from '../plan/unreachable-host.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { commandPassDeps } from './pass-deps.js';
import { reportProblems } from './read-environment.js';

export interface StatusCommandOptions {
  env: string;
  json?: boolean;
  ageIdentityFile?: string;
}

/** `dockstack status`: desired against observed, per host. Exit 0 when everything matches. */
export async function statusCommand(
  options: StatusCommandOptions,
  out: Output,
  connect: ConnectHosts,
): Promise<ExitCode> {
  const pass = await runPass(
    { goal: 'plan', source: fileSource(options.env) },
    commandPassDeps(connect, {}, options.ageIdentityFile),
  );
  if (pass.stage === 'load') return reportProblems(pass.problems, out);
  if (pass.stage !== 'plan') return EXIT.failed;
  const { state, unreachable } = pass.planned;
  const hosts = hostNames(pass.env);
  const inSync = unreachable.length === 0 && state.every((s) => s.ok);
  if (options.json === true) {
    const report = { environment: options.env, inSync, hosts, containers: state, unreachable };
    out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    out.stdout(formatStatus(hosts, state, unreachable));
  }
  return inSync ? EXIT.ok : EXIT.failed;
}

function formatStatus(
  hosts: readonly string[],
  states: readonly ContainerState[],
  unreachable: readonly UnreachableHost[],
): string {
  const lines: string[] = [];
  const width = Math.max(4, ...states.map((s) => s.name.length));
  const serviceWidth = Math.max(7, ...states.map((s) => (s.service ?? '').length));
  for (const host of hosts) {
    const down = unreachable.find((u) => u.host === host);
    lines.push(down === undefined ? host : `${host}  UNREACHABLE: ${down.error}`);
    for (const s of states.filter((state) => state.host === host)) {
      lines.push(
        `  ${s.name.padEnd(width)}  ${(s.service ?? '-').padEnd(serviceWidth)}  ${s.observed.padEnd(8)}  ${verdict(s)}`,
      );
    }
  }
  const off = states.filter((s) => !s.ok && s.observed !== 'unknown').length;
  lines.push(
    '',
    off === 0 && unreachable.length === 0
      ? 'In sync.'
      : `${off} container${off === 1 ? '' : 's'} out of sync, ${unreachable.length} host${unreachable.length === 1 ? '' : 's'} unreachable.`,
  );
  return `${lines.join('\n')}\n`;
}

function verdict(s: ContainerState): string {
  if (s.ok) return 'ok';
  if (s.observed === 'unknown') return 'unknown: its host did not answer';
  if (s.desired === 'absent') return 'extra: to remove';
  if (s.observed === 'missing') return 'missing: to create';
  if (s.observed === 'blocked')
    return 'blocked: the name is held by a container dockstack does not manage';
  if (s.drifted) return 'drifted: to recreate';
  return s.desired === 'running' ? 'stopped: to start' : 'running: to stop';
}
