/**
 * One revocation scenario, spoken over real HTTP the way terminals and an attacker would, so
 * the same checks run against one process and against a split deployment (global and a
 * streaming cluster in separate processes). Test-only.
 *
 * A user has terminals A (the victim: playing, push stream open) and B. After the revocation
 * path runs, the scenario measures and returns what happened; the tests assert on it.
 */
import { performance } from 'node:perf_hooks';
import type { PushEvent } from '../../common/protocol/api.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { SseParser } from '../../common/sse.ts';

/** The four ways a credential is revoked. */
export type RevocationPath = 'terminal-removed' | 'terminal-signed-out' | 'password-changed' | 'account-deleted';

/** Where the roles answer. */
export interface Topology {
  /** Accounts, push (global role). */
  globalUrl: string;
  /** Play, heartbeats, media (streaming role). */
  streamUrl: string;
}

/** A push stream that records its events and when it ended. */
interface Stream {
  events: PushEvent[];
  /** performance.now() when the server ended it; null while open. */
  closedAt: () => number | null;
  whenClosed: (timeoutMs: number) => Promise<number | null>;
  abort: () => void;
}

async function openStream(url: string, credential: string): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${credential}` }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  const events: PushEvent[] = [];
  let closedAt: number | null = null;
  const closed = (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of parser.push(decoder.decode(value, { stream: true }))) events.push(JSON.parse(m.data) as PushEvent);
      }
      closedAt = performance.now();
    } catch {
      // aborted by us
    }
  })();
  const started = performance.now();
  while (!events.some((e) => e.type === 'hello') && performance.now() - started < 3_000) await new Promise((r) => setTimeout(r, 5));
  return {
    events,
    closedAt: () => closedAt,
    whenClosed: async (timeoutMs) => {
      await Promise.race([closed, new Promise((r) => setTimeout(r, timeoutMs))]);
      return closedAt;
    },
    abort: () => controller.abort(),
  };
}

async function call(method: string, url: string, body?: unknown, bearer?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** What a scenario observed. */
export interface ScenarioResult {
  /** ms from the start of the revoking call until A's push stream ended (null = still open). */
  streamClosedMs: number | null;
  /** Events A's stream received after the revoking call started (must be none). */
  victimEventsAfter: number;
  /** B's push stream ended too (only account deletion should do that). */
  otherStreamClosed: boolean;
  /** Status and code of A's first heartbeat after the revoking call answered. */
  heartbeat: { status: number; code: unknown; renewedToken: boolean };
  /** A token renewed by that heartbeat (split only: before the cluster heard), tried again. */
  renewedAfter: { heartbeat: number; media: number } | null;
  /** ms from the start of the revoking call until a heartbeat was refused. */
  heartbeatRefusedMs: number;
  stop: { status: number; code: unknown };
  /** Media with A's token: manifest and a segment. */
  media: { manifest: number; segment: number };
  /** A's token presented by B's id, and by A's own id, with no credential. */
  leakedAsOther: { status: number; code: unknown };
  leakedAsSelf: { status: number; code: unknown };
  /** A's credential on its own routes. */
  credential: { me: number; play: number; events: number };
  /** B can still play (the terminal paths must not over-revoke). */
  otherPlay: number;
  /** History events about A's programme that B received after the revocation. */
  finalReportsPushed: { seq: number; offsetMs: number | null; hasToken: boolean }[];
  /** A's revoked play token and its manifest's path (to try it again later). */
  revokedToken: string;
  manifestPath: string;
}

const HB = (seq: number, offsetMs: number) => ({ position: { kind: 'offset', offsetMs }, seq });

/** Run one path; `login` must be unused on the server. */
export async function runRevocation(t: Topology, path: RevocationPath, login: string): Promise<ScenarioResult> {
  const password = 'revocation-pw-1';
  const created = await call('POST', `${t.globalUrl}/api/v1/accounts`, { login, password });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${JSON.stringify(created.json)}`);
  const user = (await call('POST', `${t.globalUrl}/api/v1/sessions`, { login, password })).json.token as string;
  const terminal = async (name: string, type: string) => {
    const r = await call('POST', `${t.globalUrl}/api/v1/terminals`, { name, type }, user);
    return { id: (r.json.terminal as { id: string }).id, credential: r.json.credential as string };
  };
  const a = await terminal('Study PC', 'pc');
  const b = await terminal('Phone', 'mobile');
  const streamA = await openStream(t.globalUrl, a.credential);
  const streamB = await openStream(t.globalUrl, b.credential);

  const played = await call('POST', `${t.streamUrl}/stream/v1/play`, { programId: 'harbour-lights' }, a.credential);
  if (played.status !== 200) throw new Error(`play: ${played.status} ${JSON.stringify(played.json)}`);
  const p = played.json as unknown as PlayResponse;
  const beat = (seq: number, offsetMs: number, token = p.playToken) => call('POST', `${t.streamUrl}/stream/v1/sessions/${p.sessionId}/heartbeat`, HB(seq, offsetMs), token);
  if ((await beat(1, 60_000)).status !== 200) throw new Error('first heartbeat refused');
  // The second is not forwarded yet (report interval): the revocation must report it, once.
  if ((await beat(2, 90_000)).status !== 200) throw new Error('second heartbeat refused');
  const manifestUrl = p.manifestUrl;
  const segmentUrl = manifestUrl.replace(/manifest\.mpd$/, 'chunk-0-00001.m4s');
  const mediaBefore = await fetch(manifestUrl, { headers: { authorization: `Bearer ${p.playToken}` } });
  if (mediaBefore.status !== 200) throw new Error(`media before: ${mediaBefore.status}`);
  // B has heard A's first (forwarded) heartbeat before anything is revoked.
  for (let i = 0; i < 100 && !streamB.events.some((e) => e.type === 'history' && e.record.terminalId === a.id); i++) await new Promise((r) => setTimeout(r, 20));
  // Presence updates of A's own heartbeats reach the streams asynchronously (the cluster batches
  // them): let A's stream fall quiet first, so "after the revocation" counts only what follows it.
  for (let quiet = 0, seen = streamA.events.length, i = 0; quiet < 250 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 25));
    quiet = streamA.events.length === seen ? quiet + 25 : 0;
    seen = streamA.events.length;
  }
  const pushedBefore = streamB.events.length;
  const victimBefore = streamA.events.length;

  const t0 = performance.now();
  let revoked: { status: number; json: Record<string, unknown> };
  switch (path) {
    case 'terminal-removed':
      revoked = await call('DELETE', `${t.globalUrl}/api/v1/terminals/${a.id}`, undefined, user);
      break;
    case 'terminal-signed-out':
      revoked = await call('DELETE', `${t.globalUrl}/api/v1/sessions/current`, undefined, a.credential);
      break;
    case 'password-changed':
      // Changed from B: B is "this one" and is kept; A is signed out.
      revoked = await call('POST', `${t.globalUrl}/api/v1/account/password`, { oldPassword: password, newPassword: 'revocation-pw-2' }, b.credential);
      break;
    case 'account-deleted':
      revoked = await call('POST', `${t.globalUrl}/api/v1/account/delete`, { password }, user);
      break;
  }
  if (revoked.status >= 300) throw new Error(`${path}: ${revoked.status} ${JSON.stringify(revoked.json)}`);

  const hb = await beat(3, 95_000);
  let refusedAt = hb.status === 401 ? performance.now() : Number.NaN;
  for (let i = 0; Number.isNaN(refusedAt) && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 25));
    if ((await beat(4 + i, 96_000)).status === 401) refusedAt = performance.now();
  }
  // A token renewed in the instant before a remote cluster heard the revocation is just as dead.
  const renewed = typeof hb.json.playToken === 'string' ? (hb.json.playToken as string) : null;
  const renewedAfter = renewed
    ? {
        heartbeat: (await beat(90, 98_000, renewed)).status,
        media: (await fetch(manifestUrl, { headers: { authorization: `Bearer ${renewed}` } })).status,
      }
    : null;
  const closedAt = await streamA.whenClosed(1_500);
  const stop = await call('POST', `${t.streamUrl}/stream/v1/sessions/${p.sessionId}/stop`, HB(99, 97_000), p.playToken);
  const manifest = (await fetch(manifestUrl, { headers: { authorization: `Bearer ${p.playToken}` } })).status;
  const segment = (await fetch(`${segmentUrl}?token=${encodeURIComponent(p.playToken)}`)).status;
  const leakedAsOther = await call('POST', `${t.streamUrl}/stream/v1/play`, { programId: 'harbour-lights', playToken: p.playToken, terminalId: b.id });
  const leakedAsSelf = await call('POST', `${t.streamUrl}/stream/v1/play`, { programId: 'harbour-lights', playToken: p.playToken, terminalId: a.id });
  const me = (await call('GET', `${t.globalUrl}/api/v1/me`, undefined, a.credential)).status;
  const playAgain = (await call('POST', `${t.streamUrl}/stream/v1/play`, { programId: 'harbour-lights' }, a.credential)).status;
  const events = (await fetch(`${t.globalUrl}/api/v1/events`, { headers: { authorization: `Bearer ${a.credential}` } })).status;
  const otherPlay = (await call('POST', `${t.streamUrl}/stream/v1/play`, { programId: 'harbour-lights' }, b.credential)).status;
  // Where history survives, the final report reaches B (through the cluster's outbox when
  // split); then give a (wrong) second report time to arrive.
  if (path === 'terminal-signed-out' || path === 'password-changed') {
    const heardFinal = () => streamB.events.slice(pushedBefore).some((e) => e.type === 'history' && e.record.terminalId === a.id);
    for (let i = 0; i < 150 && !heardFinal(); i++) await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 300));
  const otherStreamClosed = (await streamB.whenClosed(10)) !== null;
  streamA.abort();
  streamB.abort();

  return {
    streamClosedMs: closedAt === null ? null : closedAt - t0,
    otherStreamClosed,
    victimEventsAfter: streamA.events.length - victimBefore,
    heartbeat: { status: hb.status, code: hb.json.code, renewedToken: typeof hb.json.playToken === 'string' },
    heartbeatRefusedMs: refusedAt - t0,
    renewedAfter,
    stop: { status: stop.status, code: stop.json.code },
    media: { manifest, segment },
    leakedAsOther: { status: leakedAsOther.status, code: leakedAsOther.json.code },
    leakedAsSelf: { status: leakedAsSelf.status, code: leakedAsSelf.json.code },
    credential: { me, play: playAgain, events },
    otherPlay,
    revokedToken: p.playToken,
    manifestPath: new URL(manifestUrl).pathname,
    finalReportsPushed: streamB.events
      .slice(pushedBefore)
      .filter((e): e is Extract<PushEvent, { type: 'history' }> => e.type === 'history' && e.record.terminalId === a.id)
      .map((e) => ({
        seq: e.record.seq,
        offsetMs: e.record.breakpoint.kind === 'offset' ? e.record.breakpoint.offsetMs : null,
        hasToken: e.record.playToken !== undefined,
      })),
  };
}

/**
 * What must hold after every path, for the tests (vitest's `expect` passed in, so this file
 * stays free of the test runner).
 */
export function checkRevoked(
  expect: (v: unknown, msg?: string) => { toBe(x: unknown): void; toEqual(x: unknown): void; toBeLessThanOrEqual(x: number): void; not: { toBeNull(): void } },
  r: ScenarioResult,
  path: RevocationPath,
  /**
   * In one process the revocation is synchronous: the first heartbeat after the revoking call
   * answered is refused. A remote cluster hears it on the feed a few ms later, so a heartbeat
   * racing the feed may be answered — and the token it renews must be dead just the same.
   */
  split = false,
): void {
  expect(r.streamClosedMs, 'A’s push stream closed').not.toBeNull();
  expect(r.streamClosedMs as number, 'A’s push stream closed within 1 s').toBeLessThanOrEqual(1_000);
  expect(r.heartbeatRefusedMs, 'heartbeat refused within 1 s').toBeLessThanOrEqual(1_000);
  expect(r.victimEventsAfter, 'nothing pushed to A after the revocation (not even its own last point)').toBe(0);
  if (!split || r.heartbeat.status !== 200) {
    expect(r.heartbeat, 'the first heartbeat after the revocation').toEqual({ status: 401, code: 'TOKEN_INVALID', renewedToken: false });
  } else {
    expect(r.renewedAfter, 'a token renewed while the feed was in flight').toEqual({ heartbeat: 401, media: 401 });
  }
  expect(r.stop, 'stop with the revoked token').toEqual({ status: 401, code: 'TOKEN_INVALID' });
  expect(r.media, 'media with the revoked token').toEqual({ manifest: 401, segment: 401 });
  expect(r.leakedAsOther, 'the leaked token presented with B’s id').toEqual({ status: 401, code: 'TOKEN_INVALID' });
  expect(r.leakedAsSelf.status, 'the leaked token presented with A’s id').toBe(401);
  expect(r.credential, 'A’s credential').toEqual({ me: 401, play: 401, events: 401 });
  const whole = path === 'account-deleted';
  expect(r.otherStreamClosed, 'B’s stream').toBe(whole);
  expect(r.otherPlay, 'B plays').toBe(whole ? 401 : 200);
  // The last point the cluster accepted is recorded once, where the history survives the
  // revocation: seq 2 (90 s), or seq 3 (95 s) when a split cluster answered the heartbeat that
  // raced the feed (that point was accepted, so it is the breakpoint). Push carries no token.
  const keepsHistory = path === 'terminal-signed-out' || path === 'password-changed';
  const last = split && r.heartbeat.status === 200 ? { seq: 3, offsetMs: 95_000 } : { seq: 2, offsetMs: 90_000 };
  expect(r.finalReportsPushed, 'final reports pushed to B').toEqual(keepsHistory ? [{ ...last, hasToken: false }] : []);
}
