import type { DockerHost } from '../hosts/docker-host.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { redact } from '../util/redact.js';

export { AGENT_LABEL, AGENT_LABEL_KICK } from '../plan/labels.js';
export type { NotKicked } from '../plan/plan-configure.js';

/** The kick: one agent run, now (`--test`: in the foreground, detailed exit codes). */
export const KICK_COMMAND = ['puppet', 'agent', '--test', '--color=false'] as const;

/** One agent run dockstack started in a running container, and how it ended. */
export interface Kick {
  name: string;
  host: string;
  /** Why it was kicked (see refreshed-containers), or that its last kick failed. */
  reasons: string[];
  /** `changed`: exit code 2; `unchanged`: 0; anything else failed. */
  outcome: 'changed' | 'unchanged' | 'failed';
  exitCode?: number;
  /** Why it failed: the agent's first error, or the engine's; secrets masked. */
  error?: string;
  durationMs: number;
}

export interface KickOptions {
  /** How long one agent run may take. */
  deadlineMs: number;
  /** Values masked in what an agent prints (the environment's passwords and tokens). */
  secrets: readonly string[];
  clock: Clock;
}

/**
 * Runs the Puppet agent (`puppet agent --test` through a Docker exec) in the running container
 * `id` on `host`, and says how it ended; never throws: a failure is a failed kick, with the
 * agent's first error (secrets masked).
 */
export async function kickAgent(
  host: DockerHost,
  id: string,
  target: { name: string; reasons: readonly string[] },
  options: KickOptions,
): Promise<Kick> {
  const begin = options.clock.now();
  const base = { name: target.name, host: host.name, reasons: [...target.reasons] };
  const done = (fields: Pick<Kick, 'outcome'> & Partial<Kick>): Kick => ({
    ...base,
    ...fields,
    durationMs: options.clock.now() - begin,
  });
  try {
    const run = await host.exec(id, KICK_COMMAND, { deadlineMs: options.deadlineMs });
    if (run.exitCode === 0) return done({ outcome: 'unchanged', exitCode: 0 });
    if (run.exitCode === 2) return done({ outcome: 'changed', exitCode: 2 });
    return done({
      outcome: 'failed',
      exitCode: run.exitCode,
      error: redact(agentError(run.stdout, run.stderr, run.exitCode), options.secrets),
    });
  } catch (error) {
    return done({ outcome: 'failed', error: redact(errorMessage(error), options.secrets) });
  }
}

/** The agent's first `Error:` line, or its last line, or the exit code alone; one line. */
export function agentError(stdout: string, stderr: string, exitCode: number): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.find((line) => line.startsWith('Error:')) ?? lines.at(-1);
  const text = error === undefined ? '' : `: ${error}`;
  return `puppet agent exited ${String(exitCode)}${text}`.replace(/\s+/g, ' ').slice(0, 300);
}
