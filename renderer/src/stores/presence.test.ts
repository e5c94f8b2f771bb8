import { describe, expect, it } from 'vitest';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import { createPresenceStore, positionNow } from './presence.ts';

const T0 = 1_800_000_000_000;
const session = (over: Partial<PresenceSession> = {}): PresenceSession => ({
  sessionId: 'sess-0001aaaa',
  terminalId: 'term-tv-0001',
  terminalName: 'Living-room TV',
  terminalType: 'stb',
  programId: 'ocean',
  position: { kind: 'offset', offsetMs: 60_000 },
  paused: false,
  at: T0,
  ...over,
});

describe('presence store', () => {
  it('loads others’ sessions, measures the server clock offset, and applies pushes', async () => {
    let t = T0 - 10_000; // local clock 10 s behind the server
    const store = createPresenceStore({
      api: { presence: async () => ({ sessions: [session(), session({ sessionId: 'sess-self0001', terminalId: 'term-me-0001' })], now: T0 }) },
      selfId: () => 'term-me-0001',
      now: () => t,
    });
    await store.getState().load();
    expect(store.getState().sessions.map((s) => s.sessionId)).toEqual(['sess-0001aaaa']);
    expect(store.getState().skewMs).toBe(10_000);
    // Own sessions pushed are ignored; a terminal's newer session replaces its older one.
    store.getState().applyPush({ type: 'presence', session: session({ sessionId: 'sess-self0002', terminalId: 'term-me-0001' }) });
    store.getState().applyPush({ type: 'presence', session: session({ sessionId: 'sess-0002bbbb', programId: 'forest' }) });
    expect(store.getState().sessions.map((s) => [s.sessionId, s.programId])).toEqual([['sess-0002bbbb', 'forest']]);
    store.getState().applyPush({ type: 'presence-ended', sessionId: 'sess-0002bbbb', terminalId: 'term-tv-0001' });
    expect(store.getState().sessions).toEqual([]);
    t += 1;
  });

  it('a stale answer does not overwrite a reset', async () => {
    let release: () => void = () => {};
    const store = createPresenceStore({
      api: { presence: () => new Promise((r) => (release = () => r({ sessions: [session()], now: T0 }))) },
      selfId: () => null,
    });
    const p = store.getState().load();
    store.getState().reset();
    release();
    await p;
    expect(store.getState().sessions).toEqual([]);
  });
});

describe('positionNow', () => {
  it('advances a playing VOD position by the corrected clock, capped at the duration', () => {
    expect(positionNow(session(), T0 - 2_000 + 5_000, 2_000)).toEqual({ kind: 'offset', offsetMs: 65_000 });
    expect(positionNow(session(), T0 + 10_000_000, 0, 120_000)).toEqual({ kind: 'offset', offsetMs: 120_000 });
    // A clock behind `at` never moves it backwards.
    expect(positionNow(session(), T0 - 5_000, 0)).toEqual({ kind: 'offset', offsetMs: 60_000 });
  });
  it('keeps a paused one, advances a live one in wall-clock time', () => {
    expect(positionNow(session({ paused: true }), T0 + 9_000, 0)).toEqual({ kind: 'offset', offsetMs: 60_000 });
    expect(positionNow(session({ starting: true }), T0 + 9_000, 0)).toEqual({ kind: 'offset', offsetMs: 60_000 });
    expect(positionNow(session({ position: { kind: 'wallclock', epochMs: T0 - 60_000 } }), T0 + 3_000, 0)).toEqual({ kind: 'wallclock', epochMs: T0 - 57_000 });
  });
  it('advances at the session’s speed: 4 s of the clock at 1.5× is 6 s of the programme', () => {
    expect(positionNow(session({ rate: 1.5 }), T0 + 4_000, 0)).toEqual({ kind: 'offset', offsetMs: 66_000 });
    expect(positionNow(session({ rate: 0.5, position: { kind: 'wallclock', epochMs: T0 - 60_000 } }), T0 + 4_000, 0)).toEqual({ kind: 'wallclock', epochMs: T0 - 58_000 });
  });
});
