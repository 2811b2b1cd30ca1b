/** What a member of a cluster says of itself (`dockstack-service cluster-state`). */
export interface MemberState {
  name: string;
  /** primary: in a primary component; waiting: up or starting outside one; down: not running. */
  state: 'primary' | 'waiting' | 'down';
  /** Its last committed position; -1 when it has no data. */
  seqno: number;
  /** The history that position belongs to (the all-zero one when it has no data). */
  uuid: string;
  /** It left a cluster last and cleanly: safe to start a new primary component from. */
  safeToBootstrap: boolean;
  /** Its database process runs (a running member bootstraps at once, without a restart). */
  running: boolean;
}

const NO_HISTORY = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

/** What to do about a cluster whose members said where they are. */
export type BootstrapChoice =
  { do: 'nothing'; why: string } | { do: 'bootstrap'; member: string; why: string };

/**
 * Which member starts a new primary component (pure), from every member's own state, in the
 * file's order. Nothing is done while any member is in a primary component (the others join it),
 * while any member's state is not known (it may hold the newest data: a member on a host that did
 * not answer, say; or one with data that has not recovered its position after a crash yet), or
 * while members hold different histories. Otherwise the most advanced
 * member bootstraps: the highest position; among equals the one that left last and cleanly, then
 * one whose database runs (it takes no restart), then the first in the file. A new cluster (no
 * member with data) is bootstrapped by its first member.
 */
export function bootstrapChoice(members: readonly (MemberState | undefined)[]): BootstrapChoice {
  if (members.length === 0) return { do: 'nothing', why: 'no members' };
  const known: MemberState[] = [];
  for (const member of members) {
    if (member === undefined) return { do: 'nothing', why: 'a member did not say its state' };
    known.push(member);
  }
  const primary = known.find((m) => m.state === 'primary');
  if (primary !== undefined) {
    return { do: 'nothing', why: `${primary.name} is in the primary component` };
  }
  const unrecovered = known.find((m) => m.seqno < 0 && !NO_HISTORY.test(m.uuid));
  if (unrecovered !== undefined) {
    return { do: 'nothing', why: `${unrecovered.name} has not recovered its position yet` };
  }
  const histories = new Set(known.filter((m) => !NO_HISTORY.test(m.uuid)).map((m) => m.uuid));
  if (histories.size > 1) {
    return {
      do: 'nothing',
      why: `the members hold different histories (${[...histories].join(', ')}): bootstrap one by hand`,
    };
  }
  let best = known[0] as MemberState;
  for (const member of known.slice(1)) {
    if (ahead(member, best)) best = member;
  }
  const position = best.seqno < 0 ? 'no data yet' : `position ${String(best.seqno)}`;
  return {
    do: 'bootstrap',
    member: best.name,
    why: `no member is in a primary component; ${best.name} is the most advanced (${position})`,
  };
}

/** True when `a` is a better member to bootstrap from than `b` (which comes first in the file). */
function ahead(a: MemberState, b: MemberState): boolean {
  if (a.seqno !== b.seqno) return a.seqno > b.seqno;
  if (a.safeToBootstrap !== b.safeToBootstrap) return a.safeToBootstrap;
  return a.running && !b.running;
}

/**
 * A member's state from the one line `dockstack-service cluster-state` prints
 * (`state=waiting seqno=12 uuid=... safe_to_bootstrap=0 running=1`); undefined when the line is
 * not that (an image answers what its contract says, or is not believed).
 */
export function parseMemberState(name: string, line: string): MemberState | undefined {
  const fields = new Map<string, string>();
  for (const part of line.trim().split(/\s+/)) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const state = fields.get('state');
  const seqno = Number(fields.get('seqno'));
  const uuid = fields.get('uuid') ?? '';
  if (state !== 'primary' && state !== 'waiting' && state !== 'down') return undefined;
  if (!Number.isInteger(seqno) || seqno < -1) return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid))
    return undefined;
  return {
    name,
    state,
    seqno,
    uuid,
    safeToBootstrap: fields.get('safe_to_bootstrap') === '1',
    running: fields.get('running') === '1',
  };
}
