/**
 * The access server and play sessions: admission by credential or by a same-user play token
 * (patent [0098]/[0108]), token refusals, position validation, stop → record → report, and
 * the heartbeat timeout that reports a crashed terminal's last point.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgramsAnswer } from '../../common/protocol/api.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { addTerminal, PLAY_TOKEN_SECRET, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { signPlayToken } from './tokens.ts';

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
let other: { id: string; credential: string };
beforeEach(async () => {
  s = await startTestServer({ sessionTimeoutSec: 2, reportIntervalSec: 3600, instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  user = await signUp(s.app, 'viewer@example.com');
  tv = await addTerminal(s.app, user, 'TV', 'stb');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
  other = await addTerminal(s.app, await signUp(s.app, 'other@example.com'), 'Other PC', 'pc');
});
afterEach(async () => {
  await s.close();
});

const play = (body: object, credential?: string) =>
  s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: credential ? { authorization: `Bearer ${credential}` } : {}, payload: body });
const beat = (p: PlayResponse, body: object, token = p.playToken) =>
  s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: { authorization: `Bearer ${token}` }, payload: body });
const stop = (p: PlayResponse, body: object, token = p.playToken) =>
  s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${token}` }, payload: body });
const historyOf = async (terminalId: string) =>
  (await s.app.inject({ url: `/global/v1/programs?terminalId=${terminalId}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
const waitFor = async (check: () => Promise<boolean>, ms = 3_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
};

describe('POST /stream/v1/play', () => {
  it('authenticates by credential, issues a token and starts at the breakpoint', async () => {
    const res = await play({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 125_000 } }, tv.credential);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<PlayResponse>();
    expect(p).toMatchObject({ protocol: 'dash', start: { kind: 'offset', offsetMs: 125_000 }, clusterId: 'S1', admittedByToken: false, minSeq: 0 });
    expect(p.manifestUrl).toMatch(/\/media\/harbour-lights\/manifest\.mpd$/);
    expect(p.playToken.startsWith('pt1.')).toBe(true);
    const hls = (await play({ programId: 'harbour-lights', protocol: 'hls' }, tv.credential)).json<PlayResponse>();
    expect(hls.manifestUrl).toMatch(/\/media\/harbour-lights\/master\.m3u8$/);
    expect(hls.start).toEqual({ kind: 'offset', offsetMs: 0 });
  });

  it('admits another terminal of the same user on a play token, without its credential', async () => {
    const a = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    const res = await play({ programId: 'harbour-lights', playToken: a.playToken, terminalId: phone.id, breakpoint: { kind: 'offset', offsetMs: 60_000 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<PlayResponse>().admittedByToken).toBe(true);
  });

  const tokenCases: [string, () => object, string][] = [
    ['another user’s token', () => ({ u: 'someone-else', t: 'x', p: 'harbour-lights', s: 'y', c: 'S1', iat: 1, exp: 2e9 }), 'TOKEN_INVALID'],
    ['an expired token', () => ({ u: 'U', t: 'x', p: 'harbour-lights', s: 'y', c: 'S1', iat: 1, exp: Math.floor(Date.now() / 1000) - 1 }), 'TOKEN_INVALID'],
    ['a token for another programme', () => ({ u: 'U', t: 'x', p: 'tea-break', s: 'y', c: 'S1', iat: 1, exp: 2e9 }), 'TOKEN_INVALID'],
  ];
  it.each(tokenCases)('refuses %s', async (_n, claims, code) => {
    const userId = (await s.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${tv.credential}` } })).json().account.id;
    const c = { ...claims() } as Record<string, unknown>;
    if (c.u === 'U') c.u = userId;
    const token = signPlayToken(Buffer.from(PLAY_TOKEN_SECRET), c as never);
    const res = await play({ programId: 'harbour-lights', playToken: token, terminalId: phone.id });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(code);
  });

  it('refuses a tampered token and a token presented by another user’s terminal', async () => {
    const a = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    const [head, payload, mac] = a.playToken.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.p = 'tea-break';
    const tampered = `${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    expect((await play({ programId: 'tea-break', playToken: tampered, terminalId: phone.id })).json().code).toBe('TOKEN_INVALID');
    const stolen = await play({ programId: 'harbour-lights', playToken: a.playToken, terminalId: other.id });
    expect(stolen.statusCode).toBe(401);
    expect(stolen.json().code).toBe('TOKEN_INVALID');
    const withOwnCredential = await play({ programId: 'harbour-lights', playToken: a.playToken }, other.credential);
    expect(withOwnCredential.json().code).toBe('TOKEN_INVALID');
  });

  it('checks the programme against the terminal type', async () => {
    expect((await play({ programId: 'fireside-concert' }, phone.credential)).json().code).toBe('PROGRAM_NOT_ALLOWED');
    expect((await play({ programId: 'no-such-show' }, phone.credential)).json().code).toBe('PROGRAM_NOT_FOUND');
    expect((await play({ programId: 'harbour-lights' })).json().code).toBe('UNAUTHENTICATED');
    expect((await play({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 99_000_000 } }, tv.credential)).json().code).toBe('INVALID_POSITION');
  });
});

describe('live', () => {
  it('resumes a wall-clock breakpoint inside the timeshift window at that moment, else at the live edge', async () => {
    const at = Date.now() - 10 * 60_000;
    const inside = (await play({ programId: 'live-news', breakpoint: { kind: 'wallclock', epochMs: at } }, phone.credential)).json<PlayResponse>();
    expect(inside).toMatchObject({ start: { kind: 'wallclock', epochMs: at }, atLiveEdge: false });
    expect(inside.liveEpochMs).toBe(Date.UTC(2026, 0, 1));
    expect(inside.manifestUrl).toMatch(/\/media\/live-news\/live\.mpd$/);
    const old = (await play({ programId: 'live-news', breakpoint: { kind: 'wallclock', epochMs: Date.now() - 2 * 3_600_000 } }, phone.credential)).json<PlayResponse>();
    expect(old).toMatchObject({ atLiveEdge: true, liveEdgeReason: 'outside-window' });
    expect(old.start.kind === 'wallclock' && Math.abs(old.start.epochMs - Date.now()) < 60_000).toBe(true);
    const fresh = (await play({ programId: 'live-news' }, phone.credential)).json<PlayResponse>();
    expect(fresh).toMatchObject({ atLiveEdge: true, liveEdgeReason: 'no-breakpoint' });
    const wrongKind = await play({ programId: 'live-news', breakpoint: { kind: 'offset', offsetMs: 1000 } }, phone.credential);
    expect(wrongKind.json().code).toBe('INVALID_POSITION');
  });
});

describe('play sessions', () => {
  it('stop records the breakpoint and reports it to global, with the token', async () => {
    const p = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    const hb = await beat(p, { position: { kind: 'offset', offsetMs: 30_000 }, seq: 1 });
    expect(hb.statusCode, hb.body).toBe(200);
    expect(hb.json().tokenExpiresAt).toBeGreaterThanOrEqual(p.tokenExpiresAt);
    const res = await stop(p, { position: { kind: 'offset', offsetMs: 95_000 }, seq: 2 });
    expect(res.json()).toEqual({ breakpoint: { kind: 'offset', offsetMs: 95_000 }, result: 'applied' });
    await waitFor(async () => (await historyOf(tv.id)).some((r) => r.seq === 2));
    const [record] = await historyOf(tv.id);
    expect(record).toMatchObject({ terminalId: tv.id, programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 95_000 }, seq: 2 });
    expect(record?.playToken?.startsWith('pt1.')).toBe(true);
    // A retried stop (its reply was lost) is harmless.
    expect((await stop(p, { position: { kind: 'offset', offsetMs: 95_000 }, seq: 2 })).json().result).toBe('already-stopped');
    // The next play continues the terminal's sequence above what global holds.
    expect((await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>().minSeq).toBe(2);
  });

  it('a heartbeat keeps the token while more than half its lifetime is left, then renews it; a forged twin or an expired one is refused', async () => {
    await s.close();
    s = await startTestServer({ sessionTimeoutSec: 3600, reportIntervalSec: 3600, instanceId: 'S1', playTokenTtlSec: 120 }, await readCatalogFile(DEMO_CATALOG_URL));
    user = await signUp(s.app, 'viewer@example.com');
    tv = await addTerminal(s.app, user, 'TV', 'stb');
    const t0 = Date.now();
    // Only the clock is moved (the server reads Date.now); timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(t0);
      const p = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
      vi.setSystemTime(t0 + 10_000);
      const first = await beat(p, { position: { kind: 'offset', offsetMs: 1_000 }, seq: 1 });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ playToken: p.playToken, tokenExpiresAt: p.tokenExpiresAt });
      // The same length, one character of the signature changed: the kept token does not vouch for it.
      const last = p.playToken.at(-1) === 'A' ? 'B' : 'A';
      expect((await beat(p, { position: { kind: 'offset', offsetMs: 1_500 }, seq: 2 }, p.playToken.slice(0, -1) + last)).json().code).toBe('TOKEN_INVALID');
      // Past half its lifetime (120 s): a new token, good for longer; the old one still works.
      vi.setSystemTime(t0 + 65_000);
      const later = await beat(p, { position: { kind: 'offset', offsetMs: 3_000 }, seq: 3 });
      expect(later.statusCode, later.body).toBe(200);
      const renewed = later.json<{ playToken: string; tokenExpiresAt: number }>();
      expect(renewed.playToken).not.toBe(p.playToken);
      expect(renewed.tokenExpiresAt).toBeGreaterThan(p.tokenExpiresAt);
      expect((await beat(p, { position: { kind: 'offset', offsetMs: 3_500 }, seq: 4 }, p.playToken)).statusCode).toBe(200);
      // Expired: the old token, then the kept one once nothing renewed it.
      vi.setSystemTime(p.tokenExpiresAt + 1_000);
      expect((await beat(p, { position: { kind: 'offset', offsetMs: 5_000 }, seq: 5 }, p.playToken)).json().code).toBe('TOKEN_INVALID');
      vi.setSystemTime(renewed.tokenExpiresAt + 1_000);
      expect((await beat(p, { position: { kind: 'offset', offsetMs: 5_000 }, seq: 5 }, renewed.playToken)).json().code).toBe('TOKEN_INVALID');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a short-lived token (under two minutes) is renewed by every heartbeat: a player renews one with 20 s left and must get a new one', async () => {
    await s.close();
    s = await startTestServer({ sessionTimeoutSec: 30, reportIntervalSec: 3600, instanceId: 'S1', playTokenTtlSec: 30 }, await readCatalogFile(DEMO_CATALOG_URL));
    user = await signUp(s.app, 'viewer@example.com');
    tv = await addTerminal(s.app, user, 'TV', 'stb');
    const p = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    await new Promise((r) => setTimeout(r, 1_100)); // a new second: a new token differs
    const hb = await beat(p, { position: { kind: 'offset', offsetMs: 1_000 }, seq: 1 });
    expect(hb.statusCode, hb.body).toBe(200);
    expect(hb.json<{ playToken: string }>().playToken).not.toBe(p.playToken);
  });

  it('refuses bad positions and foreign tokens, recording nothing', async () => {
    const p = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    const q = (await play({ programId: 'harbour-lights' }, phone.credential)).json<PlayResponse>();
    await beat(p, { position: { kind: 'offset', offsetMs: 10_000 }, seq: 1, event: 'pause' });
    await waitFor(async () => (await historyOf(tv.id)).length === 1);
    const before = (await s.dump());
    const bad: [object, number, string, string?][] = [
      [{ position: { kind: 'offset', offsetMs: -5 }, seq: 2 }, 400, 'VALIDATION_FAILED'],
      [{ position: { kind: 'offset', offsetMs: 'NaN' }, seq: 2 }, 400, 'VALIDATION_FAILED'],
      [{ position: { kind: 'offset', offsetMs: 700_000 }, seq: 2 }, 400, 'INVALID_POSITION'],
      [{ position: { kind: 'wallclock', epochMs: Date.now() }, seq: 2 }, 400, 'INVALID_POSITION'],
      [{ position: { kind: 'offset', offsetMs: 20_000 } }, 400, 'VALIDATION_FAILED'],
      [{ position: { kind: 'offset', offsetMs: 20_000 }, seq: 2 }, 404, 'SESSION_NOT_FOUND', q.playToken],
      [{ position: { kind: 'offset', offsetMs: 20_000 }, seq: 2 }, 401, 'TOKEN_INVALID', 'pt1.garbage.garbage'],
    ];
    for (const [body, status, code, token] of bad) {
      const res = await beat(p, body, token);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().code).toBe(code);
      const r2 = await stop(p, body, token);
      expect(r2.statusCode).toBe(status);
    }
    const unknown = await s.app.inject({ method: 'POST', url: '/stream/v1/sessions/unknown-session-1/stop', headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 1 }, seq: 9 } });
    expect(unknown.json().code).toBe('SESSION_NOT_FOUND');
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.dump())).toEqual(before);
    expect(s.app.streaming?.sessions.get(p.sessionId)?.position).toEqual({ kind: 'offset', offsetMs: 10_000 });
  });

  it('a terminal that goes silent is closed after the timeout and its last point reported', async () => {
    const p = (await play({ programId: 'harbour-lights' }, tv.credential)).json<PlayResponse>();
    await beat(p, { position: { kind: 'offset', offsetMs: 40_000 }, seq: 1 }); // first heartbeat is reported
    await beat(p, { position: { kind: 'offset', offsetMs: 45_000 }, seq: 2 }); // coalesced: not yet reported
    // A heartbeat is answered once its report is stored in the outbox; delivery to global follows.
    await s.app.streaming?.reporter.flush();
    expect((await historyOf(tv.id))[0]?.breakpoint).toEqual({ kind: 'offset', offsetMs: 40_000 });
    // No stop: the terminal crashed. Within timeout (2 s) + a sweep, global has 45 s.
    await waitFor(async () => (await historyOf(tv.id))[0]?.seq === 2, 5_000);
    expect((await historyOf(tv.id))[0]).toMatchObject({ breakpoint: { kind: 'offset', offsetMs: 45_000 } });
    expect((await beat(p, { position: { kind: 'offset', offsetMs: 50_000 }, seq: 3 })).json().code).toBe('SESSION_NOT_FOUND');
  });
});
