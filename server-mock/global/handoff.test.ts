/**
 * "Continue here" (issue 15, step 2) over real HTTP and the real store: a claim hands the
 * session over (point, token, push, A's stop recorded once), exactly one of two simultaneous
 * claims wins, a take-back does not ping-pong, an offline A's late reports do not overwrite the
 * newer point and it hears of the handoff when it reconnects; refusals have stable codes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffClaim } from '../../common/protocol/handoff.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import type { TestServer } from '../testing/harness.ts';
import { bearer, startHousehold, type Household, type HouseholdTerminal } from '../testing/household.ts';
import { sessionOfToken } from './handoff.ts';

let h: Household;
let s: TestServer;
let user: string;
let userId: string;
let tv: HouseholdTerminal;
let phone: HouseholdTerminal;
let pc: HouseholdTerminal;
let foreign: HouseholdTerminal;
const PROGRAM = 'harbour-lights';

beforeEach(async () => {
  h = await startHousehold({ login: 'handoff@example.com', foreignLogin: 'stranger@example.com' });
  ({ s, user, userId, tv, phone, pc, foreign } = h);
});
afterEach(() => h.close());

const play = async (credential: string, body: Record<string, unknown> = { breakpoint: { kind: 'offset', offsetMs: 60_000 } }) => {
  const res = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: credential ? bearer(credential) : {}, payload: { programId: PROGRAM, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PlayResponse>();
};
const beat = async (p: PlayResponse, offsetMs: number, seq: number, event = 'heartbeat') => {
  const res = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs }, seq, event } });
  expect(res.statusCode, res.body).toBe(200);
  await s.app.streaming?.presence.idle();
  await s.app.streaming?.reporter.flush();
};
const claim = (credential: string, sessionId: string) =>
  s.app.inject({ method: 'POST', url: '/api/v1/handoff/claim', headers: bearer(credential), payload: { sessionId } });
const records = async () => (await s.global.store.listHistory(userId)).filter((r) => r.programId === PROGRAM);
const recordOf = async (terminalId: string) => (await records()).find((r) => r.terminalId === terminalId);
const offsetOf = (bp: { kind: string; offsetMs?: number } | undefined) => (bp?.kind === 'offset' ? bp.offsetMs : undefined);

/** The TV plays and has reported 100 s, playing. */
async function tvPlaying(): Promise<PlayResponse> {
  const p = await play(tv.credential);
  await beat(p, 100_000, 1, 'seek');
  return p;
}

describe('continue here', () => {
  it('hands the session over: the point advanced by the clock, A’s token admits B, A is told and its stop is recorded once', async () => {
    const tvEvents = await h.open(tv.credential);
    const p = await tvPlaying();
    await new Promise((r) => setTimeout(r, 700));
    const res = await claim(phone.credential, p.sessionId);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<HandoffClaim>();
    expect(c).toMatchObject({ sessionId: p.sessionId, programId: PROGRAM, fromTerminalId: tv.id, fromTerminalName: 'Living-room TV', playing: true, point: { kind: 'offset' } });
    // 100 s reported, then ≥ 700 ms of playing by global's clock.
    expect(offsetOf(c.point)).toBeGreaterThanOrEqual(100_700);
    expect(offsetOf(c.point)).toBeLessThan(102_000);
    expect(sessionOfToken(c.playToken)).toBe(p.sessionId);

    const told = await tvEvents.next((e) => e.type === 'handoff');
    expect(told.event).toMatchObject({ type: 'handoff', sessionId: p.sessionId, fromTerminalId: tv.id, toTerminalId: phone.id, toTerminalName: 'Phone', point: c.point });
    await tvEvents.next((e) => e.type === 'presence-ended' && e.sessionId === p.sessionId);
    expect(offsetOf((await recordOf(tv.id))?.breakpoint)).toBe(offsetOf(c.point));

    // B is admitted on A's token alone (patent [0098]/[0108]) …
    const b = await play('', { playToken: c.playToken, terminalId: phone.id, handoff: true, breakpoint: c.point });
    expect(b.admittedByToken).toBe(true);
    expect(offsetOf(b.start)).toBe(offsetOf(c.point));
    // … and with its own credential as well.
    expect((await play(phone.credential, { playToken: c.playToken, handoff: true, breakpoint: c.point })).admittedByToken).toBe(false);

    // A's own stop after the push (later position) is not recorded: the handoff stop stands.
    const stop = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 103_000 }, seq: 9 } });
    expect(stop.statusCode).toBe(200);
    await s.app.streaming?.reporter.flush();
    const rows = (await records()).filter((r) => r.terminalId === tv.id);
    expect(rows).toHaveLength(1);
    expect(offsetOf(rows[0]?.breakpoint)).toBe(offsetOf(c.point));
  });

  it('exactly one of two simultaneous claims wins; the other is told HANDOFF_TAKEN', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await play(tv.credential);
      await beat(p, 100_000 + round, 1 + round * 10, 'seek');
      const [a, b] = await Promise.all([claim(phone.credential, p.sessionId), claim(pc.credential, p.sessionId)]);
      const codes = [a, b].map((r) => (r.statusCode === 200 ? 'won' : `${r.statusCode} ${r.json().code}`)).sort();
      expect(codes).toEqual(['409 HANDOFF_TAKEN', 'won']);
      // A late third claim is told the same.
      expect((await claim(phone.credential, p.sessionId)).json().code).toBe('HANDOFF_TAKEN');
    }
  });

  it('take it back at once: no ping-pong, one record per terminal', async () => {
    const phoneEvents = await h.open(phone.credential);
    const a = await tvPlaying();
    const c1 = (await claim(phone.credential, a.sessionId)).json<HandoffClaim>();
    const b = await play(phone.credential, { playToken: c1.playToken, handoff: true, breakpoint: c1.point });
    await s.app.streaming?.presence.idle();
    // The TV takes it back before the phone even sent a heartbeat.
    const back = await claim(tv.credential, b.sessionId);
    expect(back.statusCode, back.body).toBe(200);
    const c2 = back.json<HandoffClaim>();
    expect(c2.playing).toBe(false); // the phone was still starting: its start point stands
    expect(offsetOf(c2.point)).toBe(offsetOf(b.start));
    await phoneEvents.next((e) => e.type === 'handoff' && e.sessionId === b.sessionId && e.toTerminalId === tv.id);
    const a2 = await play(tv.credential, { playToken: c2.playToken, handoff: true, breakpoint: c2.point });
    expect(a2.minSeq).toBeGreaterThanOrEqual(1);
    await beat(a2, 110_000, a2.minSeq + 1, 'seek');
    // The phone's late stop and heartbeats are fenced; both sessions' old reports too.
    await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${b.sessionId}/stop`, headers: bearer(b.playToken), payload: { position: { kind: 'offset', offsetMs: 150_000 }, seq: 50 } });
    await s.app.streaming?.reporter.flush();
    const rows = await records();
    expect(rows.map((r) => r.terminalId).sort()).toEqual([phone.id, tv.id].sort());
    expect(offsetOf((await recordOf(tv.id))?.breakpoint)).toBe(110_000);
    expect(offsetOf((await recordOf(phone.id))?.breakpoint)).toBe(offsetOf(c2.point));
  });

  it('an offline A hears of the handoff when it reconnects and its late reports do not overwrite the newer point', async () => {
    const a = await tvPlaying();
    // The TV is offline (no push stream) during the handoff.
    const c = (await claim(phone.credential, a.sessionId)).json<HandoffClaim>();
    const b = await play(phone.credential, { playToken: c.playToken, handoff: true, breakpoint: c.point });
    await beat(b, 130_000, b.minSeq + 1, 'pause');
    const phoneOffset = offsetOf((await recordOf(phone.id))?.breakpoint);
    expect(phoneOffset).toBe(130_000);
    // Back online: the push stream replays the handoff …
    const tvEvents = await h.open(tv.credential);
    expect((await tvEvents.next((e) => e.type === 'handoff')).event).toMatchObject({ sessionId: a.sessionId, toTerminalId: phone.id });
    // … and its outbox, uploaded now (later positions observed while offline), is stale.
    const sync = await s.app.inject({
      method: 'POST',
      url: '/api/v1/history/sync',
      headers: bearer(tv.credential),
      payload: {
        sentAt: Date.now(),
        reports: [
          { reportId: 'offline-00000001', programId: PROGRAM, breakpoint: { kind: 'offset', offsetMs: 101_000 }, seq: 20, event: 'heartbeat', observedAt: Date.now() - 2_000, playToken: a.playToken },
          { reportId: 'offline-00000002', programId: PROGRAM, breakpoint: { kind: 'offset', offsetMs: 140_000 }, seq: 21, event: 'stop', observedAt: Date.now() - 100, playToken: a.playToken },
        ],
      },
    });
    expect(sync.statusCode, sync.body).toBe(200);
    expect(sync.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['stale', 'stale']);
    // The handoff stop (a move under the unmoved tolerance keeps the stored point).
    expect(Math.abs((offsetOf((await recordOf(tv.id))?.breakpoint) ?? 0) - (offsetOf(c.point) ?? 0))).toBeLessThanOrEqual(500);
    // The newest point of the programme is still the phone's.
    const newest = (await records()).sort((x, y) => y.progressAt - x.progressAt)[0];
    expect(newest?.terminalId).toBe(phone.id);
    // A new viewing of the TV reports as usual.
    const again = await play(tv.credential);
    await beat(again, 131_000, again.minSeq + 1, 'seek');
    expect(offsetOf((await recordOf(tv.id))?.breakpoint)).toBe(131_000);
  });
});

describe('continue here: the play/pause state', () => {
  const say = async (p: PlayResponse, offsetMs: number, seq: number, body: Record<string, unknown>) => {
    const res = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs }, seq, ...body } });
    expect(res.statusCode, res.body).toBe(200);
    await s.app.streaming?.presence.idle();
  };

  it('a claim 0.5 s after a resume starts from the resume plus the time since, not the paused point', async () => {
    const p = await play(tv.credential);
    await say(p, 100_000, 1, { event: 'pause', state: 'paused' });
    await say(p, 100_000, 2, { state: 'paused' });
    await new Promise((r) => setTimeout(r, 300));
    // Resumed: one heartbeat at once, its position not moved yet (the old inference kept it paused).
    await say(p, 100_000, 3, { state: 'playing' });
    const resumedAt = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const res = await claim(phone.credential, p.sessionId);
    const elapsed = Date.now() - resumedAt;
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<HandoffClaim>();
    expect(c.playing).toBe(true);
    // The point is the resume position advanced by global's clock since (≤ the elapsed time seen here).
    expect(offsetOf(c.point)).toBeGreaterThanOrEqual(100_450);
    expect(offsetOf(c.point)).toBeLessThanOrEqual(100_000 + elapsed + 50);
  });

  it('a terminal playing at 1.5×: now playing and the claim advance the point at its speed, and B is told the speed', async () => {
    const p = await play(tv.credential);
    await say(p, 100_000, 1, { event: 'heartbeat', state: 'playing', tracks: { playbackRate: 1.5 } });
    const saidAt = Date.now();
    const seen = await s.app.inject({ method: 'GET', url: '/api/v1/presence', headers: bearer(phone.credential) });
    expect(seen.json<{ sessions: { sessionId: string; rate?: number }[] }>().sessions.find((x) => x.sessionId === p.sessionId)?.rate).toBe(1.5);
    await new Promise((r) => setTimeout(r, 600));
    const res = await claim(phone.credential, p.sessionId);
    const elapsed = Date.now() - saidAt;
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<HandoffClaim>();
    expect(c.rate).toBe(1.5);
    // 600 ms of the clock at 1.5× is at least 900 ms of the programme (at 1× it would be ~600).
    expect(offsetOf(c.point)).toBeGreaterThanOrEqual(100_880);
    expect(offsetOf(c.point)).toBeLessThanOrEqual(100_000 + 1.5 * elapsed + 50);
  });

  it('a player that says it is paused stays paused, whatever its heartbeats; bad states are 400 and change nothing', async () => {
    const p = await play(tv.credential);
    await say(p, 100_000, 1, { event: 'seek', state: 'paused' });
    // A seek while paused moves the position but not the state.
    await say(p, 130_000, 2, { state: 'paused' });
    const bad = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 140_000 }, seq: 3, state: 'rewinding' } });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    await new Promise((r) => setTimeout(r, 300));
    const c = (await claim(phone.credential, p.sessionId)).json<HandoffClaim>();
    expect([c.playing, offsetOf(c.point)]).toEqual([false, 130_000]);
  });
});

describe('continue here: refusals', () => {
  it('bad input, unknown, own, foreign and unauthenticated claims get stable codes and change nothing', async () => {
    const foreignEvents = await h.open(foreign.credential);
    const p = await tvPlaying();
    const post = (payload: unknown, headers: Record<string, string> = bearer(phone.credential)) =>
      s.app.inject({ method: 'POST', url: '/api/v1/handoff/claim', headers, payload: payload as object });
    expect([(await post({})).statusCode, (await post({})).json().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await post({ sessionId: p.sessionId, extra: 1 })).json().code).toBe('VALIDATION_FAILED');
    expect((await post({ sessionId: 'x' })).json().code).toBe('VALIDATION_FAILED');
    expect((await post({ sessionId: p.sessionId }, {})).json().code).toBe('UNAUTHENTICATED');
    expect((await post({ sessionId: p.sessionId }, bearer(user))).statusCode).toBe(401);
    expect([(await post({ sessionId: 'no-such-session' })).statusCode, (await post({ sessionId: 'no-such-session' })).json().code]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await post({ sessionId: p.sessionId }, bearer(tv.credential))).json().code).toBe('HANDOFF_SELF');
    // Another household cannot tell the session exists, and hears nothing.
    const stranger = await post({ sessionId: p.sessionId }, bearer(foreign.credential));
    expect([stranger.statusCode, stranger.json().code]).toEqual([404, 'SESSION_NOT_FOUND']);
    // A foreign token is no way in either.
    const foreignPlay = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(foreign.credential), payload: { programId: PROGRAM, playToken: p.playToken, handoff: true } });
    expect(foreignPlay.json().code).toBe('TOKEN_INVALID');
    const noToken = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(phone.credential), payload: { programId: PROGRAM, handoff: true } });
    expect([noToken.statusCode, noToken.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    // Nothing changed: the TV still plays, its record untouched, nobody was told.
    expect(s.global.presence.get(p.sessionId)).not.toBeNull();
    expect(offsetOf((await recordOf(tv.id))?.breakpoint)).toBe(100_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(foreignEvents.events.map((e) => e.event.type)).toEqual(['hello']);
    expect((await claim(phone.credential, p.sessionId)).statusCode).toBe(200);
  });

  it('another profile’s session: invisible, or HANDOFF_NOT_ALLOWED when the household shares history; its token is refused', async () => {
    const kid = (await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit: 18 } })).json<Profile>();
    expect((await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(phone.credential), payload: { profileId: kid.id } })).statusCode).toBe(200);
    const p = await tvPlaying();
    expect((await claim(phone.credential, p.sessionId)).json().code).toBe('SESSION_NOT_FOUND');
    await s.app.inject({ method: 'PUT', url: '/api/v1/account/settings', headers: bearer(user), payload: { sharedHistory: true } });
    const res = await claim(phone.credential, p.sessionId);
    expect([res.statusCode, res.json().code]).toEqual([403, 'HANDOFF_NOT_ALLOWED']);
    const sneaky = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(phone.credential), payload: { programId: PROGRAM, playToken: p.playToken, handoff: true } });
    expect(sneaky.json().code).toBe('TOKEN_INVALID');
  });

  it('a removed terminal cannot claim, and a removed A’s token admits nobody', async () => {
    const p = await tvPlaying();
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${pc.id}`, headers: bearer(phone.credential) })).statusCode).toBe(204);
    const res = await claim(pc.credential, p.sessionId);
    expect([res.statusCode, res.json().code]).toEqual([401, 'UNAUTHENTICATED']);
    const c = (await claim(phone.credential, p.sessionId)).json<HandoffClaim>();
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${tv.id}`, headers: bearer(phone.credential) })).statusCode).toBe(204);
    const after = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(phone.credential), payload: { programId: PROGRAM, playToken: c.playToken, handoff: true } });
    expect(after.json().code).toBe('TOKEN_INVALID');
  });
});
