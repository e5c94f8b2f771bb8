/**
 * Remote control and "Play on ▸" (issue 15, step 3) over real HTTP, the real store and real
 * push streams: a command reaches only its target's stream and waits for its answer (done,
 * refused with a reason, or no answer in time); an offline target, another household, a
 * removed sender, another profile and bad input are refused with stable codes and change
 * nothing; Play on moves the viewing through the handoff claim (the sender's stop recorded once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../common/protocol/api.ts';
import type { HandoffClaim } from '../../common/protocol/handoff.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import type { RemoteCommandEvent, RemoteTargetList } from '../../common/protocol/remote.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import type { TestServer } from '../testing/harness.ts';
import { bearer, startHousehold, type Household, type HouseholdTerminal } from '../testing/household.ts';
import type { EventStream } from '../testing/sse-client.ts';

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
  h = await startHousehold({ login: 'remote@example.com', foreignLogin: 'stranger-remote@example.com' });
  ({ s, user, userId, tv, phone, pc, foreign } = h);
});
afterEach(() => h.close());

const open = (credential: string) => h.open(credential);
const play = async (credential: string, body: Record<string, unknown> = { breakpoint: { kind: 'offset', offsetMs: 60_000 } }) => {
  const res = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(credential), payload: { programId: PROGRAM, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PlayResponse>();
};
/** The TV plays and has reported 100 s. */
async function tvPlaying(): Promise<PlayResponse> {
  const p = await play(tv.credential);
  const res = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 100_000 }, seq: 1, event: 'seek' } });
  expect(res.statusCode, res.body).toBe(200);
  await s.app.streaming?.presence.idle();
  await s.app.streaming?.reporter.flush();
  return p;
}
const command = (credential: string, payload: unknown) =>
  s.app.inject({ method: 'POST', url: '/api/v1/remote/commands', headers: bearer(credential), payload: payload as object });
const answer = (credential: string, payload: unknown) =>
  s.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(credential), payload: payload as object });
const isRemote = (e: PushEvent): e is RemoteCommandEvent => e.type === 'remote';
const remoteEventsOf = (st: EventStream) => st.events.filter((x) => isRemote(x.event));
/** Wait for the remote command number `seen` (0-based) on `st` and answer it with `body`. */
async function answerNext(st: EventStream, credential: string, body: Record<string, unknown>, seen = 0): Promise<RemoteCommandEvent> {
  await st.next(() => remoteEventsOf(st).length > seen);
  const ev = remoteEventsOf(st)[seen]!.event as RemoteCommandEvent;
  const res = await answer(credential, { commandId: ev.commandId, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return ev;
}

describe('remote control', () => {
  it('a command reaches only the session’s terminal, which carries it out and answers; a refusal carries its reason', async () => {
    const tvEvents = await open(tv.credential);
    const pcEvents = await open(pc.credential);
    const phoneEvents = await open(phone.credential);
    const p = await tvPlaying();

    const [res, ev] = await Promise.all([command(phone.credential, { sessionId: p.sessionId, command: 'pause' }), answerNext(tvEvents, tv.credential, { ok: true })]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'done', terminalId: tv.id, commandId: ev.commandId });
    expect(ev).toMatchObject({ type: 'remote', command: 'pause', sessionId: p.sessionId, toTerminalId: tv.id, fromTerminalId: phone.id, fromTerminalName: 'Phone' });

    const [seek, sev] = await Promise.all([
      command(phone.credential, { sessionId: p.sessionId, command: 'seek-by', deltaMs: -10_000 }),
      answerNext(tvEvents, tv.credential, { ok: true }, 1),
    ]);
    expect(seek.statusCode, seek.body).toBe(200);
    expect(sev).toMatchObject({ command: 'seek-by', deltaMs: -10_000 });
    const [to, tev] = await Promise.all([
      command(phone.credential, { sessionId: p.sessionId, command: 'seek-to', offsetMs: 30_000 }),
      answerNext(tvEvents, tv.credential, { ok: false, reason: 'busy' }, 2),
    ]);
    expect(tev).toMatchObject({ command: 'seek-to', offsetMs: 30_000 });
    expect([to.statusCode, to.json().code, to.json().details?.reason]).toEqual([409, 'REMOTE_REFUSED', 'busy']);
    // An answer counts once.
    expect((await answer(tv.credential, { commandId: tev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    // Nobody else heard the commands.
    expect(remoteEventsOf(pcEvents)).toEqual([]);
    expect(remoteEventsOf(phoneEvents)).toEqual([]);
  });

  it('an offline target is refused at once; one that does not answer is REMOTE_NO_ANSWER (409) and its late answer is refused', async () => {
    const p = await tvPlaying();
    const off = await command(phone.credential, { sessionId: p.sessionId, command: 'play' });
    expect([off.statusCode, off.json().code]).toEqual([409, 'REMOTE_TARGET_OFFLINE']);

    const tvEvents = await open(tv.credential);
    const t0 = Date.now();
    const silent = await command(phone.credential, { sessionId: p.sessionId, command: 'stop' });
    expect([silent.statusCode, silent.json().code]).toEqual([409, 'REMOTE_NO_ANSWER']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
    const ev = remoteEventsOf(tvEvents)[0]?.event as RemoteCommandEvent;
    expect(ev.command).toBe('stop');
    expect((await answer(tv.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');

    // The stream closes: offline again.
    tvEvents.close();
    await expect.poll(() => s.global.streams.local.isOnline(userId, tv.id)).toBe(false);
    expect((await command(phone.credential, { sessionId: p.sessionId, command: 'play' })).json().code).toBe('REMOTE_TARGET_OFFLINE');
  }, 15_000);

  it('another household neither commands nor answers, a removed terminal cannot send, bad input changes nothing', async () => {
    const tvEvents = await open(tv.credential);
    const foreignEvents = await open(foreign.credential);
    const p = await tvPlaying();
    const stranger = await command(foreign.credential, { sessionId: p.sessionId, command: 'pause' });
    expect([stranger.statusCode, stranger.json().code]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await command(phone.credential, { sessionId: 'no-such-session', command: 'pause' })).json().code).toBe('SESSION_NOT_FOUND');
    expect((await command(tv.credential, { sessionId: p.sessionId, command: 'pause' })).json().code).toBe('REMOTE_SELF');
    // Play on to a foreign terminal: never online for this household.
    expect((await command(tv.credential, { sessionId: p.sessionId, command: 'play-on', toTerminalId: foreign.id })).json().code).toBe('REMOTE_TARGET_OFFLINE');
    expect((await command(tv.credential, { sessionId: p.sessionId, command: 'play-on', toTerminalId: tv.id })).json().code).toBe('REMOTE_SELF');

    for (const bad of [
      {},
      { sessionId: p.sessionId },
      { sessionId: p.sessionId, command: 'rewind' },
      { sessionId: p.sessionId, command: 'seek-by' },
      { sessionId: p.sessionId, command: 'seek-by', deltaMs: 1.5 },
      { sessionId: p.sessionId, command: 'seek-to', offsetMs: -1 },
      { sessionId: p.sessionId, command: 'pause', extra: 1 },
      { sessionId: p.sessionId, command: 'play-on' },
      { sessionId: 'x', command: 'pause' },
    ]) {
      const res = await command(phone.credential, bad);
      expect([res.statusCode, res.json().code], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await answer(tv.credential, { commandId: 'not-a-command', ok: false, reason: 'why-not' })).json().code).toBe('VALIDATION_FAILED');
    expect((await answer(tv.credential, { commandId: 'not-a-command-0001', ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/remote/commands', payload: { sessionId: p.sessionId, command: 'pause' } })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/remote/commands', headers: bearer(user), payload: { sessionId: p.sessionId, command: 'pause' } })).statusCode).toBe(401);

    // A command in flight cannot be answered by another terminal, of this household or another.
    const pending = command(phone.credential, { sessionId: p.sessionId, command: 'pause' });
    const { event } = await tvEvents.next(isRemote);
    const ev = event as RemoteCommandEvent;
    expect((await answer(foreign.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer(pc.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer(tv.credential, { commandId: ev.commandId, ok: true })).statusCode).toBe(200);
    expect((await pending).statusCode).toBe(200);

    // Removed: the sender is refused everywhere at once; a removed target is offline.
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${phone.id}`, headers: bearer(pc.credential) })).statusCode).toBe(204);
    const revoked = await command(phone.credential, { sessionId: p.sessionId, command: 'pause' });
    expect([revoked.statusCode, revoked.json().code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${tv.id}`, headers: bearer(pc.credential) })).statusCode).toBe(204);
    expect(s.global.streams.local.isOnline(userId, tv.id)).toBe(false);
    // Only the one good command reached the TV; the stranger heard nothing.
    expect(remoteEventsOf(tvEvents)).toHaveLength(1);
    expect(foreignEvents.events.map((e) => e.event.type)).toEqual(['hello']);
  });

  it('another profile’s session: invisible, or REMOTE_NOT_ALLOWED when history is shared; Play on skips other profiles’ terminals', async () => {
    await open(tv.credential);
    await open(pc.credential);
    const kid = (await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit: 18 } })).json<Profile>();
    expect((await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(phone.credential), payload: { profileId: kid.id } })).statusCode).toBe(200);
    await open(phone.credential);
    const p = await tvPlaying();
    expect((await command(phone.credential, { sessionId: p.sessionId, command: 'pause' })).json().code).toBe('SESSION_NOT_FOUND');
    await s.app.inject({ method: 'PUT', url: '/api/v1/account/settings', headers: bearer(user), payload: { sharedHistory: true } });
    const res = await command(phone.credential, { sessionId: p.sessionId, command: 'pause' });
    expect([res.statusCode, res.json().code]).toEqual([403, 'REMOTE_NOT_ALLOWED']);
    const on = await command(tv.credential, { sessionId: p.sessionId, command: 'play-on', toTerminalId: phone.id });
    expect([on.statusCode, on.json().code]).toEqual([403, 'REMOTE_NOT_ALLOWED']);
    const targets = (await s.app.inject({ method: 'GET', url: '/api/v1/remote/targets', headers: bearer(tv.credential) })).json<RemoteTargetList>();
    expect(targets.terminals).toEqual([{ terminalId: pc.id, name: 'Laptop', type: 'pc' }]);
  });
});

describe('play on', () => {
  it('lists the connected terminals and moves the viewing: the target claims it, the sender stops, its stop recorded once', async () => {
    const tvEvents = await open(tv.credential);
    const phoneEvents = await open(phone.credential);
    await open(foreign.credential);
    const targets = (await s.app.inject({ method: 'GET', url: '/api/v1/remote/targets', headers: bearer(tv.credential) })).json<RemoteTargetList>();
    expect(targets.terminals).toEqual([{ terminalId: phone.id, name: 'Phone', type: 'mobile' }]);
    const p = await tvPlaying();

    // The phone does what the renderer does: claim the session, then answer.
    const phoneActs = (async () => {
      const { event } = await phoneEvents.next(isRemote);
      const ev = event as RemoteCommandEvent;
      expect(ev).toMatchObject({ command: 'play-on', sessionId: p.sessionId, toTerminalId: phone.id, fromTerminalId: tv.id });
      const claim = await s.app.inject({ method: 'POST', url: '/api/v1/handoff/claim', headers: bearer(phone.credential), payload: { sessionId: ev.sessionId } });
      expect(claim.statusCode, claim.body).toBe(200);
      expect((await answer(phone.credential, { commandId: ev.commandId, ok: true })).statusCode).toBe(200);
      return claim.json<HandoffClaim>();
    })();
    const res = await command(tv.credential, { sessionId: p.sessionId, command: 'play-on', toTerminalId: phone.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'done', terminalId: phone.id });
    const c = await phoneActs;
    expect(c.fromTerminalId).toBe(tv.id);
    await tvEvents.next((e) => e.type === 'handoff' && e.sessionId === p.sessionId && e.toTerminalId === phone.id);
    const b = await play(phone.credential, { playToken: c.playToken, handoff: true, breakpoint: c.point });
    expect(b.start).toEqual(c.point);
    // The TV's stop: once, at the point (a move under the unmoved tolerance keeps the stored point).
    const rows = (await s.global.store.listHistory(userId)).filter((r) => r.programId === PROGRAM && r.terminalId === tv.id);
    expect(rows).toHaveLength(1);
    const offset = (bp: { kind: string; offsetMs?: number } | undefined) => (bp?.kind === 'offset' ? (bp.offsetMs ?? NaN) : NaN);
    expect(Math.abs(offset(rows[0]?.breakpoint) - offset(c.point))).toBeLessThanOrEqual(500);
    // The TV's stream never got a command; the session is gone for commands.
    expect(remoteEventsOf(tvEvents)).toEqual([]);
    expect((await command(phone.credential, { sessionId: p.sessionId, command: 'pause' })).json().code).toBe('SESSION_NOT_FOUND');
  });
});
