import { describe, expect, it } from 'vitest';

import { bootstrapChoice, parseMemberState, type MemberState } from './bootstrap-choice.js';

const HISTORY = '6b2cf5a4-9c1e-11ef-8a3d-2f6c1b0d4e77';
const NONE = '00000000-0000-0000-0000-000000000000';

function member(name: string, over: Partial<MemberState> = {}): MemberState {
  return {
    name,
    state: 'waiting',
    seqno: 10,
    uuid: HISTORY,
    safeToBootstrap: false,
    running: false,
    ...over,
  };
}

describe('bootstrapChoice', () => {
  it('does nothing while a member is in the primary component: the others join it', () => {
    expect(bootstrapChoice([member('gal1'), member('gal2', { state: 'primary' })])).toEqual({
      do: 'nothing',
      why: 'gal2 is in the primary component',
    });
  });

  it('has the first member of a new cluster bootstrap it', () => {
    const fresh = { seqno: -1, uuid: NONE };
    expect(bootstrapChoice([member('gal1', fresh), member('gal2', fresh)])).toMatchObject({
      do: 'bootstrap',
      member: 'gal1',
      why: 'no member is in a primary component; gal1 is the most advanced (no data yet)',
    });
  });

  it('bootstraps from the most advanced member, never one with less or no data', () => {
    const choice = bootstrapChoice([
      member('gal1', { seqno: -1, uuid: NONE }),
      member('gal2', { seqno: 12 }),
      member('gal3', { seqno: 11, safeToBootstrap: true }),
    ]);
    expect(choice).toMatchObject({ do: 'bootstrap', member: 'gal2' });
  });

  it('among equals, prefers the one that left last and cleanly, then one whose database runs', () => {
    expect(
      bootstrapChoice([member('gal1'), member('gal2', { safeToBootstrap: true })]),
    ).toMatchObject({ member: 'gal2' });
    expect(bootstrapChoice([member('gal1'), member('gal2', { running: true })])).toMatchObject({
      member: 'gal2',
    });
  });

  it('waits while a member is unknown, has not recovered its position, or the histories differ', () => {
    expect(bootstrapChoice([member('gal1'), undefined])).toEqual({
      do: 'nothing',
      why: 'a member did not say its state',
    });
    expect(bootstrapChoice([member('gal1'), member('gal2', { seqno: -1 })])).toEqual({
      do: 'nothing',
      why: 'gal2 has not recovered its position yet',
    });
    const other = '11111111-2222-3333-4444-555555555555';
    expect(bootstrapChoice([member('gal1'), member('gal2', { uuid: other })]).do).toBe('nothing');
  });
});

describe('parseMemberState', () => {
  it('reads the line the image prints, and refuses anything else', () => {
    const line = `state=waiting seqno=12 uuid=${HISTORY} safe_to_bootstrap=1 running=1\n`;
    expect(parseMemberState('gal1', line)).toEqual(
      member('gal1', { seqno: 12, safeToBootstrap: true, running: true }),
    );
    expect(parseMemberState('gal1', 'state=leader seqno=1 uuid=x')).toBeUndefined();
    expect(parseMemberState('gal1', `state=down seqno=abc uuid=${HISTORY}`)).toBeUndefined();
    expect(parseMemberState('gal1', '')).toBeUndefined();
  });
});
