import type { ApplyEvent } from '../apply/apply-events.js';
import type { StepResult } from '../apply/apply-result.js';
import type { Output } from './output.js';

/** Shows the apply engine's events: a live block per tier on a terminal, plain lines otherwise. */
export function progressReporter(out: Output): (event: ApplyEvent) => void {
  return out.isTty ? liveProgress(out) : plainProgress(out);
}

export function describeResult(result: StepResult): string {
  const where = `${result.name} on ${result.host}`;
  const time = `${(result.durationMs / 1000).toFixed(1)} s`;
  return result.outcome === 'done'
    ? `done    ${result.action.padEnd(8)} ${where} (${time})`
    : `FAILED  ${result.action.padEnd(8)} ${where}: ${result.error ?? 'unknown error'}`;
}

function tierTitle(event: Extract<ApplyEvent, { type: 'tier-started' }>): string {
  const what = event.service ?? 'services outside the tier order';
  return `${{ remove: 'removing', deploy: 'deploying', configure: 'configuring' }[event.phase]} ${what} (${event.steps} step${event.steps === 1 ? '' : 's'})`;
}

function plainProgress(out: Output): (event: ApplyEvent) => void {
  return (event) => {
    if (event.type === 'tier-started') out.stderr(`${tierTitle(event)}\n`);
    if (event.type === 'step-finished') out.stderr(`  ${describeResult(event.result)}\n`);
  };
}

const SPINNER = ['|', '/', '-', '\\'];

/** Redraws the current tier's lines in place, one per container, until the tier is over. */
function liveProgress(out: Output): (event: ApplyEvent) => void {
  let lines: { key: string; text: string }[] = [];
  let drawn = 0;
  let frame = 0;
  const redraw = () => {
    const up = drawn > 0 ? `\u001b[${drawn}A` : '';
    out.stderr(`${up}${lines.map((l) => `\u001b[2K${l.text}\n`).join('')}`);
    drawn = lines.length;
  };
  return (event) => {
    frame++;
    if (event.type === 'tier-started') {
      lines = [];
      drawn = 0;
      out.stderr(`${tierTitle(event)}\n`);
      return;
    }
    if (event.type === 'step-started') {
      const key = `${event.host}/${event.name}`;
      lines.push({
        key,
        text: `  ${SPINNER[frame % SPINNER.length] ?? '-'} ${event.action.padEnd(8)} ${event.name} on ${event.host}`,
      });
    } else {
      const key = `${event.result.host}/${event.result.name}`;
      const line = lines.find((l) => l.key === key);
      const text = `  ${describeResult(event.result)}`;
      if (line === undefined) lines.push({ key, text });
      else line.text = text;
    }
    redraw();
  };
}
