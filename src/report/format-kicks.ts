import type { Kick } from '../configure/kick-agents.js';

/** The agents kicked and how each run ended, as the bot's commit and `dockstack apply` say it. */
export function formatKicks(kicks: readonly Kick[]): string {
  if (kicks.length === 0) return '';
  const lines = kicks.map((kick) => {
    const where = kick.host === '' ? '' : ` on ${kick.host}`;
    const why = kick.reasons.length > 0 ? ` (${kick.reasons.join('; ')})` : '';
    const error = kick.error === undefined ? '' : `: ${kick.error}`;
    return `  ${kick.name}${where}: ${kickVerdict(kick)}${error}${why}`;
  });
  return `Puppet agents kicked (puppet agent --test):\n${lines.join('\n')}\n`;
}

/** `changes applied`, `no changes`, `FAILED`. */
export function kickVerdict(kick: Pick<Kick, 'outcome'>): string {
  return kick.outcome === 'changed'
    ? 'changes applied'
    : kick.outcome === 'unchanged'
      ? 'no changes'
      : 'FAILED';
}
