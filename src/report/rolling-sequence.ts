import { planSteps, type Plan } from '../plan/plan.js';

/**
 * How the plan replaces the running members of each service, one sentence a service with two or
 * more of them: `web: web1, then web2, then web3, one at a time ...`; none when no service has.
 */
export function rollingSequences(plan: Plan): string[] {
  const waves = new Map<string, Map<number, string[]>>();
  for (const step of planSteps(plan)) {
    if (step.action !== 'recreate' || step.wave === undefined) continue;
    const service = waves.get(step.service) ?? new Map<number, string[]>();
    service.set(step.wave, [...(service.get(step.wave) ?? []), step.name]);
    waves.set(step.service, service);
  }
  const lines: string[] = [];
  for (const [service, byWave] of waves) {
    const order = [...byWave.keys()].sort((a, b) => a - b);
    const members = order.reduce((n, wave) => n + (byWave.get(wave)?.length ?? 0), 0);
    if (members < 2) continue;
    const sequence = order.map((wave) => (byWave.get(wave) ?? []).join(' and ')).join(', then ');
    const atOnce = Math.max(...order.map((wave) => byWave.get(wave)?.length ?? 0));
    lines.push(
      `${service}: ${sequence}; ${atOnce === 1 ? 'one at a time' : `${String(atOnce)} at a time`}, ` +
        'each ready before the next. A member whose new container is not ready in time is ' +
        'rolled back to its old container, and the members after it keep theirs.',
    );
  }
  return lines;
}
