import { observeHosts } from '../apply/observe-hosts.js';
import { containerSpecs, environmentName } from '../environment/container-spec.js';
import { compareState, type ContainerState } from '../plan/compare-state.js';
import { asSeenBy } from '../plan/observed.js';
import { connectOrExplain, type ConnectHosts } from './connect-or-explain.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { readEnvironment, reportProblems } from './read-environment.js';

export interface StatusCommandOptions {
  env: string;
  json?: boolean;
}

/** `dockstack status`: desired against observed, per host. Exit 0 when everything matches. */
export async function statusCommand(
  options: StatusCommandOptions,
  out: Output,
  connect: ConnectHosts,
): Promise<ExitCode> {
  const loaded = readEnvironment(options.env);
  if (!loaded.ok) return reportProblems(loaded.problems, out);
  const hosts = connectOrExplain(connect, loaded.env);
  let observation;
  try {
    observation = await observeHosts(hosts.values());
  } finally {
    for (const host of hosts.values()) host.close();
  }
  const specs = containerSpecs(loaded.env).filter(
    (spec) => !observation.unreachable.has(spec.host),
  );
  const states = compareState(specs, asSeenBy(environmentName(loaded.env), observation.observed));
  const unreachable = [...observation.unreachable].map(([host, error]) => ({ host, error }));
  const inSync = unreachable.length === 0 && states.every((s) => s.ok);

  if (options.json === true) {
    out.stdout(
      `${JSON.stringify({ environment: options.env, inSync, hosts: [...hosts.keys()], containers: states, unreachable }, null, 2)}\n`,
    );
  } else {
    out.stdout(formatStatus([...hosts.keys()], states, unreachable));
  }
  return inSync ? EXIT.ok : EXIT.failed;
}

function formatStatus(
  hosts: string[],
  states: ContainerState[],
  unreachable: { host: string; error: string }[],
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
  const off = states.filter((s) => !s.ok).length;
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
  if (s.desired === 'absent') return 'extra: to remove';
  if (s.observed === 'missing') return 'missing: to create';
  if (s.observed === 'blocked')
    return 'blocked: the name is held by a container dockstack does not manage';
  if (s.drifted) return 'drifted: to recreate';
  return s.desired === 'running' ? 'stopped: to start' : 'running: to stop';
}
