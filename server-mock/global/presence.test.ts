/**
 * Now playing (issue 15, step 1) over real HTTP: a session opened at the cluster reaches the
 * household's other terminals as a `presence` push and in `GET /api/v1/presence`; pause and
 * moved heartbeats update it; stop, timeout and revocation end it; another household and
 * another profile see nothing; bad reports are refused with stable codes and change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceList } from '../../common/protocol/account.ts';
import type { PresenceList } from '../../common/protocol/presence.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { addTerminal, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream, type EventStream } from '../testing/sse-client.ts';
import { EventBus } from './events.ts';
import { PresenceService } from './presence.ts';
import { RevocationHub } from './revocations.ts';

let s: TestServer;
let base: string;
let user: string;
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
let foreign: { id: string; credential: string };
const streams: EventStream[] = [];
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
beforeEach(async () => {
  s = await startTestServer({ sessionTimeoutSec: 2, heartbeatIntervalSec: 1, reportIntervalSec: 3600, instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  user = await signUp(s.app, 'presence@example.com');
  tv = await addTerminal(s.app, user, 'Living-room TV', 'stb');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
  foreign = await addTerminal(s.app, await signUp(s.app, 'stranger@example.com'), 'Stranger PC', 'pc');
});
afterEach(async () => {
  for (const st of streams.splice(0)) st.close();
  await s.close();
});

const play = async (credential: string, programId = 'harbour-lights', offsetMs = 60_000) => {
  const res = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(credential), payload: { programId, breakpoint: { kind: 'offset', offsetMs } } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PlayResponse>();
};
const beat = (p: PlayResponse, offsetMs: number, seq: number, event = 'heartbeat') =>
  s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs }, seq, event } });
const listOf = async (credential: string) => {
  const res = await s.app.inject({ url: '/api/v1/presence', headers: bearer(credential) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PresenceList>().sessions;
};

describe('now playing', () => {
  it('pushes a new session to the household within a second, never to another household', async () => {
    const phoneEvents = await openEventStream(base, phone.credential);
    const foreignEvents = await openEventStream(base, foreign.credential);
    streams.push(phoneEvents, foreignEvents);
    const started = performance.now();
    const p = await play(tv.credential);
    const got = await phoneEvents.next((e) => e.type === 'presence');
    expect(got.at - started).toBeLessThan(1_000);
    expect(got.event).toMatchObject({
      type: 'presence',
      session: { sessionId: p.sessionId, terminalId: tv.id, terminalName: 'Living-room TV', terminalType: 'stb', programId: 'harbour-lights', position: { kind: 'offset', offsetMs: 60_000 }, paused: false, starting: true },
    });
    expect((await listOf(phone.credential)).map((x) => x.sessionId)).toEqual([p.sessionId]);
    // The playing terminal sees its own session too (the renderer leaves it out).
    expect((await listOf(tv.credential)).map((x) => x.terminalId)).toEqual([tv.id]);
    expect(await listOf(foreign.credential)).toEqual([]);
    // The Devices screen says what the TV plays from the same facts, before any history report.
    const devices = (await s.app.inject({ url: '/api/v1/terminals', headers: bearer(phone.credential) })).json<DeviceList>().terminals;
    expect(devices.find((d) => d.id === tv.id)?.nowPlaying).toMatchObject({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 60_000 }, paused: false });
    expect(devices.find((d) => d.id === phone.id)?.nowPlaying).toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    expect(foreignEvents.events.map((e) => e.event.type)).toEqual(['hello']);
  });

  it('follows heartbeats (position, pause, play) and ends with the stop', async () => {
    const phoneEvents = await openEventStream(base, phone.credential);
    streams.push(phoneEvents);
    const p = await play(tv.credential);
    expect((await beat(p, 65_000, 1)).statusCode).toBe(200);
    const moved = await phoneEvents.next((e) => e.type === 'presence' && e.session.position.kind === 'offset' && e.session.position.offsetMs === 65_000);
    expect(moved.event.type === 'presence' && moved.event.session.starting).toBeUndefined();
    await beat(p, 66_000, 2, 'pause');
    await phoneEvents.next((e) => e.type === 'presence' && e.session.paused);
    // A paused player's unmoved heartbeats keep it paused; a moved one means it plays again.
    await beat(p, 66_000, 3);
    expect((await listOf(phone.credential))[0]?.paused).toBe(true);
    await beat(p, 67_000, 4);
    await phoneEvents.next((e) => e.type === 'presence' && !e.session.paused && e.session.position.kind === 'offset' && e.session.position.offsetMs === 67_000);
    const stop = await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 68_000 }, seq: 5 } });
    expect(stop.statusCode).toBe(200);
    const ended = await phoneEvents.next((e) => e.type === 'presence-ended');
    expect(ended.event).toEqual({ type: 'presence-ended', sessionId: p.sessionId, terminalId: tv.id, profileId: expect.any(String) });
    expect(await listOf(phone.credential)).toEqual([]);
    // A late duplicate of the open session does not bring it back.
    const late = await s.app.inject({
      method: 'POST',
      url: '/global/v1/presence',
      headers: { authorization: SERVICE_AUTH },
      payload: { updates: [{ sessionId: p.sessionId, userId: (await s.global.accounts.authenticateTerminal(tv.credential))!.userId, terminalId: tv.id, profileId: null, programId: 'harbour-lights', position: { kind: 'offset', offsetMs: 1 }, paused: false, open: true }] },
    });
    expect(late.json()).toEqual({ applied: 0 });
    expect(await listOf(phone.credential)).toEqual([]);
  });

  it('a session that times out at the cluster disappears', async () => {
    const phoneEvents = await openEventStream(base, phone.credential);
    streams.push(phoneEvents);
    const p = await play(tv.credential);
    await phoneEvents.next((e) => e.type === 'presence');
    // Timeout 2 s, sweep every 0.5 s: gone within 3 s of the last heartbeat.
    const ended = await phoneEvents.next((e) => e.type === 'presence-ended', 4_000);
    expect(ended.event).toMatchObject({ sessionId: p.sessionId });
  });

  it('removing the playing terminal ends its card at once', async () => {
    const phoneEvents = await openEventStream(base, phone.credential);
    streams.push(phoneEvents);
    await play(tv.credential);
    await phoneEvents.next((e) => e.type === 'presence');
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${tv.id}`, headers: bearer(phone.credential) })).statusCode).toBe(204);
    await phoneEvents.next((e) => e.type === 'presence-ended');
    expect(await listOf(phone.credential)).toEqual([]);
  });

  it('another profile sees nothing unless the household shares its history', async () => {
    const kid = (await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit: 12 } })).json<Profile>();
    expect((await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(phone.credential), payload: { profileId: kid.id } })).statusCode).toBe(200);
    const phoneEvents = await openEventStream(base, phone.credential);
    streams.push(phoneEvents);
    await play(tv.credential);
    await new Promise((r) => setTimeout(r, 150));
    expect(phoneEvents.events.map((e) => e.event.type)).toEqual(['hello']);
    expect(await listOf(phone.credential)).toEqual([]);
    await s.app.inject({ method: 'PUT', url: '/api/v1/account/settings', headers: bearer(user), payload: { sharedHistory: true } });
    expect(await listOf(phone.credential)).toHaveLength(1);
  });

  it('refuses bad or unauthenticated reports with stable codes and changes nothing', async () => {
    const post = (payload: unknown, auth = SERVICE_AUTH) => s.app.inject({ method: 'POST', url: '/global/v1/presence', headers: { authorization: auth }, payload: payload as object });
    const userId = (await s.global.accounts.authenticateTerminal(tv.credential))!.userId;
    const ok = { sessionId: 'sess-0001aaaa', userId, terminalId: tv.id, profileId: null, programId: 'harbour-lights', position: { kind: 'offset', offsetMs: 1_000 }, paused: false, open: true };
    expect((await post({ updates: [] })).json().code).toBe('VALIDATION_FAILED');
    expect((await post({ updates: [{ ...ok, extra: 1 }] })).statusCode).toBe(400);
    expect((await post({ updates: [{ ...ok, position: { kind: 'offset', offsetMs: -5 } }] })).statusCode).toBe(400);
    const terminalAuth = await post({ updates: [ok] }, `Bearer ${tv.credential}`);
    expect([terminalAuth.statusCode, terminalAuth.json().code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await s.app.inject({ url: '/api/v1/presence' })).json().code).toBe('UNAUTHENTICATED');
    // A terminal named under another user is skipped: a cluster cannot plant a card elsewhere.
    expect((await post({ updates: [{ ...ok, terminalId: foreign.id }] })).json()).toEqual({ applied: 0 });
    expect(s.global.presence.size).toBe(0);
    expect((await post({ updates: [ok] })).json()).toEqual({ applied: 1 });
    expect((await listOf(phone.credential)).map((x) => x.sessionId)).toEqual(['sess-0001aaaa']);
  });
});

describe('PresenceService', () => {
  it('expires a session its cluster stopped refreshing, and pushes the end', async () => {
    let t = 1_800_000_000_000;
    const bus = new EventBus();
    const got: string[] = [];
    bus.subscribe('user-00000001', (e) => got.push(e.type));
    const store = { getTerminal: async () => ({ id: 'term-0000001', userId: 'user-00000001', name: 'TV', type: 'stb', revokedAt: null }) };
    const svc = new PresenceService({ store: store as never, bus, revocations: new RevocationHub(), ttlMs: 3_000, now: () => t });
    await svc.apply([{ sessionId: 'sess-0001aaaa', userId: 'user-00000001', terminalId: 'term-0000001', profileId: null, programId: 'ocean', position: { kind: 'offset', offsetMs: 0 }, paused: false, open: true }]);
    t += 2_999;
    expect(svc.sweep()).toBe(0);
    t += 2;
    expect(svc.list('user-00000001', null)).toEqual([]);
    expect(svc.sweep()).toBe(1);
    expect(got).toEqual(['presence', 'presence-ended']);
    svc.close();
  });

  it('reads the terminal once per session, not per heartbeat; a revocation still ends it and a late heartbeat cannot reopen it', async () => {
    const bus = new EventBus();
    const revocations = new RevocationHub();
    let reads = 0;
    const store = { getTerminal: async () => (reads++, { id: 'term-0000001', userId: 'user-00000001', name: 'TV', type: 'stb', revokedAt: null }) };
    const svc = new PresenceService({ store: store as never, bus, revocations, ttlMs: 60_000 });
    const update = (offsetMs: number) => ({ sessionId: 'sess-0001aaaa', userId: 'user-00000001', terminalId: 'term-0000001', profileId: null, programId: 'ocean', position: { kind: 'offset' as const, offsetMs }, paused: false, open: true });
    for (let i = 0; i < 5; i++) expect(await svc.apply([update(i * 1000)])).toBe(1);
    expect(reads).toBe(1);
    expect(svc.list('user-00000001', null)[0]).toMatchObject({ terminalName: 'TV', terminalType: 'stb', position: { offsetMs: 4000 } });
    revocations.revoke([{ kind: 'terminal', subjectId: 'term-0000001', at: Date.now() }]);
    expect(svc.size).toBe(0);
    expect(await svc.apply([update(5000)])).toBe(0);
    expect(svc.size).toBe(0);
    svc.close();
  });

  it('gives a starting session three times as long, and brings back one that only went quiet', async () => {
    let t = 1_800_000_000_000;
    const bus = new EventBus();
    const got: string[] = [];
    bus.subscribe('user-00000001', (e) => got.push(e.type));
    const store = { getTerminal: async () => ({ id: 'term-0000001', userId: 'user-00000001', name: 'TV', type: 'stb', revokedAt: null }) };
    const svc = new PresenceService({ store: store as never, bus, revocations: new RevocationHub(), ttlMs: 3_000, now: () => t });
    const update = { sessionId: 'sess-0001aaaa', userId: 'user-00000001', terminalId: 'term-0000001', profileId: null, programId: 'ocean', position: { kind: 'offset' as const, offsetMs: 0 }, paused: false, open: true };
    await svc.apply([{ ...update, starting: true }]);
    t += 8_999; // a slow device still buffering
    expect(svc.sweep()).toBe(0);
    t += 2;
    expect(svc.sweep()).toBe(1);
    // Its first heartbeat, late: the card comes back (it went quiet; it did not end).
    expect(await svc.apply([update])).toBe(1);
    expect(svc.list('user-00000001', null)).toHaveLength(1);
    expect(got).toEqual(['presence', 'presence-ended', 'presence']);
    svc.close();
  });
});
