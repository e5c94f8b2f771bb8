/**
 * "Continue here" and remote control across two global instances over one PostgreSQL schema
 * (issue 15; as behind a load balancer): simultaneous claims of one session on instance 1 and
 * instance 2 → exactly one 200 and one HANDOFF_TAKEN (the store's claim row decides); A's late
 * reports sent to the other instance are stale and its push stream there replays the handoff;
 * a command sent through instance 1 to a terminal whose push stream is on instance 2 is
 * delivered and its answer, taken by instance 2, comes back; a revocation through either
 * instance makes the terminal offline on both and answers a waiting sender at once.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffClaim } from '../../common/protocol/handoff.ts';
import type { RemoteCommandEvent } from '../../common/protocol/remote.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { PG_SKIP_REASON, dropTestSchemas, freshSchema } from '../store/postgres-testing.ts';
import { addTerminal, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream, type EventStream } from '../testing/sse-client.ts';

const PROGRAM = 'harbour-lights';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const open: (TestServer | EventStream)[] = [];
let one: TestServer;
let two: TestServer;
let base2 = '';
let userId = '';
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
let pc: { id: string; credential: string };

afterAll(dropTestSchemas);

describe.skipIf(PG_SKIP_REASON !== null)(`handoff and remote control across global instances${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ''}`, () => {
  beforeEach(async () => {
    const schema = freshSchema();
    const catalogue = await readCatalogFile(DEMO_CATALOG_URL);
    const config = { sessionTimeoutSec: 30, heartbeatIntervalSec: 1, reportIntervalSec: 3600, instanceId: 'S1' };
    one = await startTestServer(config, catalogue, { pgSchema: schema });
    two = await startTestServer(config, catalogue, { pgSchema: schema });
    open.push(one, two);
    await one.app.listen({ host: '127.0.0.1', port: 0 });
    base2 = await two.app.listen({ host: '127.0.0.1', port: 0 });
    const user = await signUp(one.app, 'instances@example.com');
    tv = await addTerminal(one.app, user, 'Living-room TV', 'stb');
    phone = await addTerminal(one.app, user, 'Phone', 'mobile');
    pc = await addTerminal(one.app, user, 'Laptop', 'pc');
    userId = (await one.global.accounts.authenticateTerminal(tv.credential))!.userId;
  });
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) {
      if ('app' in x) await x.close();
      else x.close();
    }
  });

  /** The TV plays through instance 1's cluster, at 100 s (+ `round`), and instance 2 knows it. */
  async function tvPlaying(round = 0): Promise<PlayResponse> {
    const res = await one.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(tv.credential), payload: { programId: PROGRAM, breakpoint: { kind: 'offset', offsetMs: 60_000 } } });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<PlayResponse>();
    const beat = await one.app.inject({
      method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken),
      payload: { position: { kind: 'offset', offsetMs: 100_000 + round }, seq: 100 * round + p.minSeq + 1, event: 'seek', state: 'playing' },
    });
    expect(beat.statusCode, beat.body).toBe(200);
    await one.app.streaming?.presence.idle();
    await expect.poll(() => two.global.presence.get(p.sessionId)?.playToken ?? null, { timeout: 5_000 }).not.toBeNull();
    return p;
  }
  const claim = (at: TestServer, credential: string, sessionId: string) =>
    at.app.inject({ method: 'POST', url: '/api/v1/handoff/claim', headers: bearer(credential), payload: { sessionId } });
  const outcome = (r: { statusCode: number; json: () => { code?: string } }) => (r.statusCode === 200 ? 'won' : `${r.statusCode} ${r.json().code}`);

  it('of two simultaneous claims on instance 1 and instance 2 exactly one wins; the other is HANDOFF_TAKEN', async () => {
    for (let round = 0; round < 4; round++) {
      const p = await tvPlaying(round);
      const [a, b] = await Promise.all([claim(one, phone.credential, p.sessionId), claim(two, pc.credential, p.sessionId)]);
      expect([outcome(a), outcome(b)].sort()).toEqual(['409 HANDOFF_TAKEN', 'won']);
      // Later claims on either instance are told the same, and the card is gone on both.
      expect(outcome(await claim(one, pc.credential, p.sessionId))).toBe('409 HANDOFF_TAKEN');
      expect(outcome(await claim(two, phone.credential, p.sessionId))).toBe('409 HANDOFF_TAKEN');
      await expect.poll(() => [one.global.presence.get(p.sessionId), two.global.presence.get(p.sessionId)]).toEqual([null, null]);
    }
    // One stop of the TV, at the winner's point.
    const rows = (await one.global.store.listHistory(userId)).filter((r) => r.terminalId === tv.id && r.programId === PROGRAM);
    expect(rows).toHaveLength(1);
  });

  it('A’s late reports to the other instance are stale, and its push stream there replays the handoff', async () => {
    const a = await tvPlaying();
    const res = await claim(one, phone.credential, a.sessionId);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<HandoffClaim>();
    const tvEvents = await openEventStream(base2, tv.credential);
    open.push(tvEvents);
    expect((await tvEvents.next((e) => e.type === 'handoff', 5_000)).event).toMatchObject({ sessionId: a.sessionId, toTerminalId: phone.id, point: c.point });
    const sync = await two.app.inject({
      method: 'POST', url: '/api/v1/history/sync', headers: bearer(tv.credential),
      payload: {
        sentAt: Date.now(),
        reports: [{ reportId: 'late-stop-0000001', programId: PROGRAM, breakpoint: { kind: 'offset', offsetMs: 150_000 }, seq: 90, event: 'stop', observedAt: Date.now(), playToken: a.playToken }],
      },
    });
    expect(sync.statusCode, sync.body).toBe(200);
    expect(sync.json().results).toEqual([{ reportId: 'late-stop-0000001', outcome: 'stale' }]);
    const row = (await two.global.store.listHistory(userId)).find((r) => r.terminalId === tv.id && r.programId === PROGRAM);
    // The handoff's stop stands (a move under the unmoved tolerance keeps the stored point), not 150 s.
    const at = (bp: unknown) => (bp as { offsetMs?: number } | undefined)?.offsetMs ?? Number.NaN;
    expect(Math.abs(at(row?.breakpoint) - at(c.point))).toBeLessThanOrEqual(500);
  });

  it('a command through instance 1 reaches the TV streaming from instance 2, and its answer comes back', async () => {
    // Now playing reaches instance 2's streams too, without the play token.
    const phoneEvents = await openEventStream(base2, phone.credential);
    open.push(phoneEvents);
    const p = await tvPlaying();
    const card = (await phoneEvents.next((e) => e.type === 'presence' && e.session.sessionId === p.sessionId, 5_000)).event;
    expect(card).toMatchObject({ type: 'presence', session: { terminalId: tv.id, terminalName: 'Living-room TV', paused: false } });
    expect(JSON.stringify(card)).not.toContain(p.playToken.slice(0, 20));
    const tvEvents = await openEventStream(base2, tv.credential);
    open.push(tvEvents);
    await expect.poll(() => one.global.streams.where(userId, tv.id)).toBe('elsewhere');
    // Play on ▸ through instance 1 lists the TV connected to instance 2.
    const targets = await one.app.inject({ method: 'GET', url: '/api/v1/remote/targets', headers: bearer(phone.credential) });
    expect(targets.json().terminals).toContainEqual({ terminalId: tv.id, name: 'Living-room TV', type: 'stb' });

    const send = (command: Record<string, unknown>) =>
      one.app.inject({ method: 'POST', url: '/api/v1/remote/commands', headers: bearer(phone.credential), payload: { sessionId: p.sessionId, ...command } });
    const answer = (body: Record<string, unknown>) => two.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(tv.credential), payload: body });

    const pausing = send({ command: 'pause' });
    const ev = (await tvEvents.next((e) => e.type === 'remote', 5_000)).event as RemoteCommandEvent;
    expect(ev).toMatchObject({ command: 'pause', toTerminalId: tv.id, fromTerminalId: phone.id, sessionId: p.sessionId });
    // Only the addressed terminal answers: the phone cannot answer for it.
    const wrong = await two.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(phone.credential), payload: { commandId: ev.commandId, ok: true } });
    expect(wrong.json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer({ commandId: ev.commandId, ok: true })).statusCode).toBe(200);
    const done = await pausing;
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ commandId: ev.commandId, outcome: 'done', terminalId: tv.id });
    // Answered once: a second answer is refused.
    expect((await answer({ commandId: ev.commandId, ok: true })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');

    // A refusal comes back with its reason.
    const seeking = send({ command: 'seek-by', deltaMs: 10_000 });
    const ev2 = (await tvEvents.next((e) => e.type === 'remote' && e.commandId !== ev.commandId, 5_000)).event as RemoteCommandEvent;
    await answer({ commandId: ev2.commandId, ok: false, reason: 'not-playing' });
    const refused = await seeking;
    expect([refused.statusCode, refused.json().code, refused.json().details?.reason]).toEqual([409, 'REMOTE_REFUSED', 'not-playing']);
  });

  it('Play on from a card through instance 1 reaches the TV streaming from instance 2, at the point in the shared store; the answer comes back', async () => {
    // The phone watched to 123 s through instance 2's cluster: the point is in the shared store.
    const res = await two.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(phone.credential), payload: { programId: PROGRAM, breakpoint: { kind: 'offset', offsetMs: 0 } } });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<PlayResponse>();
    const beat = await two.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 123_000 }, seq: p.minSeq + 1, event: 'seek' } });
    expect(beat.statusCode, beat.body).toBe(200);
    await two.app.streaming?.reporter.flush();
    const tvEvents = await openEventStream(base2, tv.credential);
    open.push(tvEvents);
    await expect.poll(() => one.global.streams.where(userId, tv.id)).toBe('elsewhere');
    const send = () => one.app.inject({ method: 'POST', url: '/api/v1/remote/play-on', headers: bearer(pc.credential), payload: { programId: PROGRAM, toTerminalId: tv.id } });
    const answer = (body: Record<string, unknown>) => two.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(tv.credential), payload: body });

    const playing = send();
    const ev = (await tvEvents.next((e) => e.type === 'remote', 5_000)).event as RemoteCommandEvent;
    expect(ev).toMatchObject({ command: 'play-program', programId: PROGRAM, toTerminalId: tv.id, fromTerminalId: pc.id, start: { kind: 'offset', offsetMs: 123_000 }, startTerminalName: 'Phone' });
    expect((await two.app.inject({ method: 'POST', url: '/api/v1/remote/answers', headers: bearer(phone.credential), payload: { commandId: ev.commandId, ok: true } })).json().code).toBe('REMOTE_COMMAND_NOT_FOUND');
    expect((await answer({ commandId: ev.commandId, ok: true })).statusCode).toBe(200);
    const done = await playing;
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ commandId: ev.commandId, outcome: 'done', terminalId: tv.id, programId: PROGRAM, start: { kind: 'offset', offsetMs: 123_000 } });

    const busy = send();
    const ev2 = (await tvEvents.next((e) => e.type === 'remote' && e.commandId !== ev.commandId, 5_000)).event as RemoteCommandEvent;
    await answer({ commandId: ev2.commandId, ok: false, reason: 'busy' });
    const refused = await busy;
    expect([refused.statusCode, refused.json().code, refused.json().details?.reason]).toEqual([409, 'REMOTE_REFUSED', 'busy']);
    // The TV's stream closes: offline through instance 1 too.
    tvEvents.close();
    await expect.poll(() => one.global.streams.where(userId, tv.id), { timeout: 20_000 }).toBeNull();
    expect((await send()).json().code).toBe('REMOTE_TARGET_OFFLINE');
  }, 30_000);

  it('a revocation through instance 2 answers a sender waiting on instance 1 at once, and the TV is offline on both', async () => {
    const p = await tvPlaying();
    const tvEvents = await openEventStream(base2, tv.credential);
    open.push(tvEvents);
    await expect.poll(() => one.global.streams.where(userId, tv.id)).toBe('elsewhere');
    const started = Date.now();
    const waiting = one.app.inject({ method: 'POST', url: '/api/v1/remote/commands', headers: bearer(phone.credential), payload: { sessionId: p.sessionId, command: 'play' } });
    await tvEvents.next((e) => e.type === 'remote', 5_000);
    // The TV is signed out (not removed) through instance 2 while the command waits.
    expect((await two.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(tv.credential) })).statusCode).toBeLessThan(300);
    const res = await waiting;
    expect([res.statusCode, res.json().code]).toEqual([409, 'REMOTE_TARGET_OFFLINE']);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await one.global.streams.where(userId, tv.id)).toBeNull();
    expect(await two.global.streams.where(userId, tv.id)).toBeNull();
    expect((await one.app.inject({ method: 'GET', url: '/api/v1/remote/targets', headers: bearer(phone.credential) })).json().terminals).toEqual([]);
  });
});
