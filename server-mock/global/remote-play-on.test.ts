/**
 * "Play on ▸" from a card (issue 15): `POST /api/v1/remote/play-on` starts a programme nothing
 * plays on another terminal of the household and profile, over real HTTP, the real store and
 * real push streams. The pushed `play-program` carries the start global picked from the
 * profile's history (never a number from the sender); the sender waits for the answer (done,
 * refused with a reason, none in time); an offline, foreign, removed or other-profile target,
 * a programme above the limit or not offered there, and bad input are refused with stable
 * codes and push nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../common/protocol/api.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import type { RemoteCommandEvent } from '../../common/protocol/remote.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import type { TestServer } from '../testing/harness.ts';
import { bearer, startHousehold, type Household, type HouseholdTerminal } from '../testing/household.ts';
import type { EventStream } from '../testing/sse-client.ts';

let h: Household;
let s: TestServer;
let user: string;
let tv: HouseholdTerminal;
let phone: HouseholdTerminal;
let pc: HouseholdTerminal;
let foreign: HouseholdTerminal;
const PROGRAM = 'harbour-lights';

beforeEach(async () => {
  h = await startHousehold({ login: 'play-on-card@example.com', foreignLogin: 'stranger-card@example.com', pcName: 'Study PC', foreign: { name: 'Stranger TV', type: 'stb' } });
  ({ s, user, tv, phone, pc, foreign } = h);
});
afterEach(() => h.close());

const open = (credential: string) => h.open(credential);
/** `credential`'s terminal watched `programId` to `offsetMs` (a real play session and heartbeat, reported to global). */
async function watched(credential: string, offsetMs: number, programId = PROGRAM): Promise<void> {
  const res = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(credential), payload: { programId, breakpoint: { kind: 'offset', offsetMs: 0 } } });
  expect(res.statusCode, res.body).toBe(200);
  const p = res.json<PlayResponse>();
  const hb = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs }, seq: 1, event: 'seek' } });
  expect(hb.statusCode, hb.body).toBe(200);
  await s.app.streaming?.presence.idle();
  await s.app.streaming?.reporter.flush();
}
const playOn = (credential: string, payload: unknown) => s.app.inject({ method: 'POST', url: '/api/v1/remote/play-on', headers: bearer(credential), payload: payload as object });
const answer = (credential: string, payload: unknown) => s.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(credential), payload: payload as object });
const isRemote = (e: PushEvent): e is RemoteCommandEvent => e.type === 'remote';
const remoteEventsOf = (st: EventStream) => st.events.filter((x) => isRemote(x.event)).map((x) => x.event as RemoteCommandEvent);
/** Wait for remote command number `seen` (0-based) on `st` and answer it with `body`. */
async function answerNext(st: EventStream, credential: string, body: Record<string, unknown>, seen = 0): Promise<RemoteCommandEvent> {
  await st.next(() => remoteEventsOf(st).length > seen);
  const ev = remoteEventsOf(st)[seen]!;
  const res = await answer(credential, { commandId: ev.commandId, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return ev;
}
const kidProfile = async (maturityLimit: number) =>
  (await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit } })).json<Profile>();
const useProfile = async (credential: string, profileId: string) =>
  expect((await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(credential), payload: { profileId } })).statusCode).toBe(200);

describe('play on from a card', () => {
  it('pushes play-program to the target only, with the profile’s point from global’s history; done once it answers', async () => {
    const tvEvents = await open(tv.credential);
    const pcEvents = await open(pc.credential);
    const phoneEvents = await open(phone.credential);
    await watched(phone.credential, 123_000);

    const [res, ev] = await Promise.all([playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true })]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ commandId: ev.commandId, outcome: 'done', terminalId: tv.id, programId: PROGRAM, start: { kind: 'offset', offsetMs: 123_000 } });
    expect(ev).toMatchObject({
      type: 'remote', command: 'play-program', programId: PROGRAM, toTerminalId: tv.id, fromTerminalId: pc.id, fromTerminalName: 'Study PC',
      start: { kind: 'offset', offsetMs: 123_000 }, startTerminalName: 'Phone',
    });
    expect(ev.sessionId).toBeUndefined();
    // An answer counts once; nobody else heard it.
    expect((await answer(tv.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect(remoteEventsOf(pcEvents)).toEqual([]);
    expect(remoteEventsOf(phoneEvents)).toEqual([]);

    // The target's own point is named without a terminal ("Resuming at …", no "from").
    await watched(tv.credential, 200_000);
    const [own, oev] = await Promise.all([playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true }, 1)]);
    expect(own.json().start).toEqual({ kind: 'offset', offsetMs: 200_000 });
    expect(oev).toMatchObject({ start: { kind: 'offset', offsetMs: 200_000 }, startTerminalName: null });
  });

  it('no point starts from the beginning, a finished programme too; a refusal carries its reason; silence is REMOTE_NO_ANSWER', async () => {
    const tvEvents = await open(tv.credential);
    const [fresh, fev] = await Promise.all([playOn(phone.credential, { programId: 'tea-break', toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true })]);
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fev).toMatchObject({ programId: 'tea-break', start: null, startTerminalName: null });
    // Watched to 580 s of 600 s (past 90 %): off the row, so from the beginning, as the TV's own Resume.
    await watched(pc.credential, 580_000);
    const [done, dev] = await Promise.all([playOn(phone.credential, { programId: PROGRAM, toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true }, 1)]);
    expect(done.json().start).toBeNull();
    expect(dev.start).toBeNull();

    const [busy] = await Promise.all([playOn(phone.credential, { programId: PROGRAM, toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: false, reason: 'busy' }, 2)]);
    expect([busy.statusCode, busy.json().code, busy.json().details?.reason]).toEqual([409, 'REMOTE_REFUSED', 'busy']);

    const t0 = Date.now();
    const silent = await playOn(phone.credential, { programId: PROGRAM, toTerminalId: tv.id });
    expect([silent.statusCode, silent.json().code]).toEqual([409, 'REMOTE_NO_ANSWER']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
    expect(remoteEventsOf(tvEvents)).toHaveLength(4);
  }, 15_000);

  it('offline, self, another household, a removed terminal, unknown or not-offered programmes and bad input: stable codes, nothing pushed', async () => {
    const off = await playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id });
    expect([off.statusCode, off.json().code]).toEqual([409, 'REMOTE_TARGET_OFFLINE']);
    const tvEvents = await open(tv.credential);
    const foreignEvents = await open(foreign.credential);
    const pcEvents = await open(pc.credential);

    const codes = async (credential: string, body: unknown) => {
      const res = await playOn(credential, body);
      return [res.statusCode, res.json().code];
    };
    expect(await codes(pc.credential, { programId: PROGRAM, toTerminalId: pc.id })).toEqual([409, 'REMOTE_SELF']);
    // Another household's terminal (online, right type) is no terminal of this one; nor its programme choice.
    expect(await codes(pc.credential, { programId: PROGRAM, toTerminalId: foreign.id })).toEqual([404, 'TERMINAL_NOT_FOUND']);
    expect(await codes(foreign.credential, { programId: PROGRAM, toTerminalId: tv.id })).toEqual([404, 'TERMINAL_NOT_FOUND']);
    expect(await codes(pc.credential, { programId: PROGRAM, toTerminalId: 'no-such-terminal' })).toEqual([404, 'TERMINAL_NOT_FOUND']);
    expect(await codes(pc.credential, { programId: 'no-such-programme', toTerminalId: tv.id })).toEqual([404, 'PROGRAM_NOT_FOUND']);
    // dumpling-workshop is offered to PCs and phones only.
    expect(await codes(pc.credential, { programId: 'dumpling-workshop', toTerminalId: tv.id })).toEqual([404, 'PROGRAM_NOT_FOUND']);

    for (const bad of [
      {},
      { programId: PROGRAM },
      { toTerminalId: tv.id },
      { programId: 'Harbour Lights!', toTerminalId: tv.id },
      { programId: PROGRAM, toTerminalId: 'x' },
      { programId: PROGRAM, toTerminalId: tv.id, offsetMs: 5_000 },
      { programId: PROGRAM, toTerminalId: tv.id, start: { kind: 'offset', offsetMs: 5_000 } },
      { programId: 42, toTerminalId: tv.id },
    ]) {
      expect(await codes(pc.credential, bad), JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/remote/play-on', payload: { programId: PROGRAM, toTerminalId: tv.id } })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/remote/play-on', headers: bearer(user), payload: { programId: PROGRAM, toTerminalId: tv.id } })).statusCode).toBe(401);

    // A command in flight is answered by its target only.
    const pending = playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id });
    const { event } = await tvEvents.next(isRemote);
    const ev = event as RemoteCommandEvent;
    expect((await answer(foreign.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer(pc.credential, { commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer(tv.credential, { commandId: ev.commandId, ok: true })).statusCode).toBe(200);
    expect((await pending).statusCode).toBe(200);

    // Removed: the sender is refused (401); a removed target is no terminal of the household.
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${phone.id}`, headers: bearer(pc.credential) })).statusCode).toBe(204);
    expect((await playOn(phone.credential, { programId: PROGRAM, toTerminalId: tv.id })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${tv.id}`, headers: bearer(pc.credential) })).statusCode).toBe(204);
    expect(await codes(pc.credential, { programId: PROGRAM, toTerminalId: tv.id })).toEqual([404, 'TERMINAL_NOT_FOUND']);

    // Only the one good command reached the TV; nobody else heard anything.
    expect(remoteEventsOf(tvEvents)).toHaveLength(1);
    expect(remoteEventsOf(pcEvents)).toEqual([]);
    expect(foreignEvents.events.map((e) => e.event.type)).toEqual(['hello']);
  });

  it('another profile on the target, or a programme above the profile’s limit: REMOTE_NOT_ALLOWED, nothing pushed', async () => {
    const tvEvents = await open(tv.credential);
    await open(pc.credential);
    const kid = await kidProfile(6);
    await useProfile(tv.credential, kid.id);
    const other = await playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id });
    expect([other.statusCode, other.json().code]).toEqual([403, 'REMOTE_NOT_ALLOWED']);
    // Both on Kid (limit 6): live-news is 12+, fireside-concert unrated (fail closed); tea-break (6) is fine.
    await useProfile(pc.credential, kid.id);
    for (const programId of ['live-news', 'fireside-concert']) {
      const res = await playOn(pc.credential, { programId, toTerminalId: tv.id });
      expect([res.statusCode, res.json().code], programId).toEqual([403, 'REMOTE_NOT_ALLOWED']);
    }
    expect(remoteEventsOf(tvEvents)).toEqual([]);
    const [ok] = await Promise.all([playOn(pc.credential, { programId: 'tea-break', toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true })]);
    expect(ok.statusCode, ok.body).toBe(200);
    // The Kid's point, not the adult profile's: the adult watched harbour-lights to 300 s.
    await useProfile(pc.credential, (await s.app.inject({ method: 'GET', url: '/api/v1/profiles', headers: bearer(user) })).json<{ profiles: Profile[] }>().profiles.find((p) => p.id !== kid.id)!.id);
    await watched(pc.credential, 300_000);
    await useProfile(pc.credential, kid.id);
    const [kidStart] = await Promise.all([playOn(pc.credential, { programId: PROGRAM, toTerminalId: tv.id }), answerNext(tvEvents, tv.credential, { ok: true }, 1)]);
    expect(kidStart.json().start).toBeNull();
  });
});
