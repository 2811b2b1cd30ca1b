import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What a process used while it was sampled. */
export interface ProcessUsage {
  /** The largest resident set seen in a sample (VmRSS), in MB. */
  maxRssMb: number;
  /** The largest resident set since the process started (VmHWM) at the end, in MB. */
  peakRssMb: number;
  /** Its own CPU time (utime + stime) over the wall time, in % of one core. */
  cpuPercent: number;
  /** The same with the children it has waited for (cutime + cstime): git, for instance. */
  cpuWithChildrenPercent: number;
  samples: number;
  seconds: number;
}

/** Samples /proc/PID every `everyMs` for `durationMs`; `check` runs at every sample. */
export async function sampleUsage(
  pid: number,
  durationMs: number,
  check: () => void,
  everyMs = 1000,
): Promise<ProcessUsage> {
  const ticks = clockTicks();
  const startedAt = performance.now();
  const first = cpuTicks(pid);
  let maxRssKb = 0;
  let samples = 0;
  while (performance.now() - startedAt < durationMs) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    check();
    maxRssKb = Math.max(maxRssKb, statusKb(pid, 'VmRSS'));
    samples++;
  }
  const last = cpuTicks(pid);
  const seconds = (performance.now() - startedAt) / 1000;
  const percent = (used: number) => (used / ticks / seconds) * 100;
  return {
    maxRssMb: maxRssKb / 1024,
    peakRssMb: statusKb(pid, 'VmHWM') / 1024,
    cpuPercent: percent(last.own - first.own),
    cpuWithChildrenPercent: percent(last.own + last.children - first.own - first.children),
    samples,
    seconds,
  };
}

/** A field of /proc/PID/status given in kB. */
function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} in /proc/${String(pid)}/status`);
  return Number(match[1]);
}

/** utime + stime, and cutime + cstime, from /proc/PID/stat, in clock ticks. */
function cpuTicks(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces), from field 3 (state) on.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const field = (n: number) => fields[n - 3] ?? NaN;
  return { own: field(14) + field(15), children: field(16) + field(17) };
}

function clockTicks(): number {
  const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
}
