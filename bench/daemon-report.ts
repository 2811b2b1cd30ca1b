import type { ProcessUsage } from './process-usage.js';

/** Milliseconds per round: the engine's create+start, then the daemon's latencies. */
export interface Rounds {
  engine: number[];
  running: number[];
  writtenBack: number[];
}

/**
 * The rounds of one trigger: medians with min-max, and the overhead (the daemon's median latency
 * less the engine's median create+start) against `targetMs`, described as `target`.
 */
export function latencyRows(
  trigger: string,
  rounds: Rounds,
  targetMs: number,
  target: string,
): string[] {
  const engine = median(rounds.engine);
  const overhead = (samples: readonly number[]) => {
    const value = median(samples) - engine;
    return `overhead ${seconds(value)}, ${target}: ${verdict(value < targetMs)}`;
  };
  return [
    row('  engine create+start, reference', spread(rounds.engine), 'measured before each push'),
    row(`  ${trigger} -> running`, spread(rounds.running), overhead(rounds.running)),
    row(`  ${trigger} -> written back`, spread(rounds.writtenBack), overhead(rounds.writtenBack)),
  ];
}

/** The idle daemon's memory and CPU against their targets. */
export function idleRows(
  idle: ProcessUsage,
  targets: { rssMb: number; cpuPercent: number },
): string[] {
  return [
    row(
      '  max RSS',
      `${idle.maxRssMb.toFixed(1)} MB`,
      `target < ${String(targets.rssMb)} MB: ${verdict(idle.maxRssMb < targets.rssMb)} ` +
        `(peak since its start: ${idle.peakRssMb.toFixed(1)} MB)`,
    ),
    row(
      '  CPU, % of one core',
      `${idle.cpuPercent.toFixed(2)} %`,
      `target < ${String(targets.cpuPercent)} %: ${verdict(idle.cpuPercent < targets.cpuPercent)} ` +
        `(with its git children: ${idle.cpuWithChildrenPercent.toFixed(2)} %)`,
    ),
  ];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** Milliseconds as seconds with two decimals. */
export const seconds = (ms: number | undefined) => `${((ms ?? NaN) / 1000).toFixed(2)} s`;

const spread = (values: readonly number[]) =>
  `${seconds(median(values))} (${(Math.min(...values) / 1000).toFixed(2)}-` +
  `${(Math.max(...values) / 1000).toFixed(2)})`;
const row = (name: string, value: string, note: string) =>
  `${name.padEnd(44)}${value.padEnd(20)}${note}`.trimEnd();
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
