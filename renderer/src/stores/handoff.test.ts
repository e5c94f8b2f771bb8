import { describe, expect, it } from 'vitest';
import type { HandoffClaim, HandoffEvent } from '../../../common/protocol/handoff.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import { ApiError } from '../api/http.ts';
import { createHandoffStore, pointAt } from './handoff.ts';

const T0 = 1_800_000_000_000;
const claim = (over: Partial<HandoffClaim> = {}): HandoffClaim => ({
  sessionId: 'sess-tv-0001',
  programId: 'ocean',
  fromTerminalId: 'term-tv-0001',
  fromTerminalName: 'Living-room TV',
  fromTerminalType: 'stb',
  point: { kind: 'offset', offsetMs: 60_000 },
  at: T0,
  playing: true,
  playToken: 'pt1.payload.signature',
  ...over,
});
const away: HandoffEvent = {
  type: 'handoff', sessionId: 'sess-me-0001', programId: 'ocean', fromTerminalId: 'term-me-0001',
  toTerminalId: 'term-ph-0001', toTerminalName: 'Phone', toTerminalType: 'mobile', point: { kind: 'offset', offsetMs: 70_000 }, at: T0,
};
const presence = (over: Partial<PresenceSession>): PresenceSession => ({
  sessionId: 'sess-ph-0001', terminalId: 'term-ph-0001', terminalName: 'Phone', terminalType: 'mobile', programId: 'ocean',
  position: { kind: 'offset', offsetMs: 70_000 }, paused: false, at: T0, ...over,
});

describe('handoff store', () => {
  it('claims, measures the server clock and advances a playing point by the local clock', async () => {
    let t = T0 - 5_000; // local clock 5 s behind global
    const store = createHandoffStore({
      api: { claimHandoff: async () => { t += 40; return claim(); } },
      selfId: () => 'term-me-0001', sessions: () => [], reloadSessions: async () => {}, now: () => t,
    });
    const r = await store.getState().claim('sess-tv-0001');
    expect(r.ok).toBe(true);
    const p = store.getState().take('sess-tv-0001');
    expect(p?.skewMs).toBe(5_000 - 20);
    expect(store.getState().take('sess-tv-0001')).toBeNull(); // consumed
    // 1.5 s after the claim by global's clock: 1.5 s further (capped at the programme's end).
    expect(pointAt(p!, T0 - 5_000 + 20 + 1_500, 10 * 60_000)).toEqual({ kind: 'offset', offsetMs: 61_500 });
    expect(pointAt(p!, T0 + 10_000_000, 62_000)).toEqual({ kind: 'offset', offsetMs: 62_000 });
    // A paused point stays; a live point advances the broadcast moment.
    expect(pointAt({ claim: claim({ playing: false }), skewMs: 0 }, T0 + 9_000)).toEqual({ kind: 'offset', offsetMs: 60_000 });
    expect(pointAt({ claim: claim({ point: { kind: 'wallclock', epochMs: T0 - 60_000 } }), skewMs: 0 }, T0 + 2_000)).toEqual({ kind: 'wallclock', epochMs: T0 - 58_000 });
    // At A's speed: 2 s at 1.5× is 3 s further.
    expect(pointAt({ claim: claim({ rate: 1.5 }), skewMs: 0 }, T0 + 2_000)).toEqual({ kind: 'offset', offsetMs: 63_000 });
  });

  it('a refused claim says its stable code and leaves nothing pending', async () => {
    const store = createHandoffStore({
      api: { claimHandoff: async () => { throw new ApiError('HANDOFF_TAKEN', 'taken', 409); } },
      selfId: () => 'term-me-0001', sessions: () => [], reloadSessions: async () => {},
    });
    expect(await store.getState().claim('sess-tv-0001')).toEqual({ ok: false, code: 'HANDOFF_TAKEN' });
    expect(store.getState().pending).toBeNull();
    expect(store.getState().claiming).toBeNull();
  });

  it('hears only handoffs away from this terminal, and takes back the new terminal’s session', async () => {
    let sessions: PresenceSession[] = [];
    const claimed: string[] = [];
    const store = createHandoffStore({
      api: { claimHandoff: async (id) => { claimed.push(id); return claim({ sessionId: id }); } },
      selfId: () => 'term-me-0001', sessions: () => sessions,
      // The phone's session arrives with the reload.
      reloadSessions: async () => { sessions = [presence({ sessionId: 'sess-other-01', programId: 'forest' }), presence({})]; },
    });
    store.getState().applyPush({ ...away, fromTerminalId: 'term-someone' });
    expect(store.getState().away).toBeNull();
    store.getState().applyPush(away);
    expect(store.getState().away).toEqual(away);
    const r = await store.getState().takeBack();
    expect(r.ok && r.claim.sessionId).toBe('sess-ph-0001');
    expect(claimed).toEqual(['sess-ph-0001']);
    expect(store.getState().away).toBeNull();
    // Nothing to take back any more.
    expect(await store.getState().takeBack()).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });
});
