import { beforeEach, describe, expect, it } from 'vitest';
import type { TerminalReport } from '../../../common/protocol/api.ts';
import type { Breakpoint } from '../../../common/protocol/model.ts';
import type { HeartbeatRequest, StopRequest } from '../../../common/protocol/stream.ts';
import { ApiError } from '../api/http.ts';
import { settle } from '../testing/fixtures.ts';
import { createReporter, type ReporterDeps, type ReporterSession } from './reporter.ts';

const SESSION: ReporterSession = {
  sessionId: 'sess-00000001',
  playToken: 'pt1.first',
  tokenExpiresAt: 1_800_000_600_000,
  heartbeatIntervalMs: 2_000,
  minSeq: 40,
  programId: 'harbour-lights',
  resumedFrom: { kind: 'offset', offsetMs: 60_000 },
};

/** A fake world: API, sequence, outbox, journal, clock, timers, position. */
function world() {
  const w = {
    now: 1_800_000_000_000,
    seq: 0,
    offline: false,
    sessionGone: false,
    position: { kind: 'offset', offsetMs: 61_000 } as Breakpoint | null,
    heartbeats: [] as { sessionId: string; token: string; body: HeartbeatRequest; keepalive: boolean }[],
    stops: [] as { sessionId: string; token: string; body: StopRequest }[],
    unloadStops: [] as StopRequest[],
    plays: [] as unknown[],
    queued: [] as TerminalReport[],
    journal: [] as (TerminalReport | null)[],
    timers: [] as { fn: () => void; ms: number }[],
    tokens: 0,
    sessions: 1,
  };
  const fail = () => {
    if (w.offline) throw new ApiError('NETWORK_DOWN', 'offline');
  };
  const deps: ReporterDeps = {
    api: {
      heartbeat: async (sessionId, token, body, opts = {}) => {
        w.heartbeats.push({ sessionId, token, body, keepalive: opts.keepalive === true });
        fail();
        if (w.sessionGone) throw new ApiError('SESSION_NOT_FOUND', 'gone', 404);
        return { playToken: `pt1.renewed-${++w.tokens}`, tokenExpiresAt: w.now + 1_800_000, nextHeartbeatMs: 2_000, result: 'applied' };
      },
      stop: async (sessionId, token, body) => {
        w.stops.push({ sessionId, token, body });
        fail();
        if (w.sessionGone) throw new ApiError('SESSION_NOT_FOUND', 'gone', 404);
        return { breakpoint: body.position, result: 'applied' };
      },
      stopOnUnload: (_id, _token, body) => (w.unloadStops.push(body), true),
      play: async (body) => {
        w.plays.push(body);
        fail();
        w.sessionGone = false;
        const id = `sess-0000000${++w.sessions}`;
        return { sessionId: id, playToken: `pt1.${id}`, tokenExpiresAt: w.now + 1_800_000, minSeq: 0, heartbeatIntervalMs: 2_000 } as never;
      },
    },
    nextSeq: async (atLeast) => (w.seq = Math.max(w.seq, atLeast) + 1),
    queue: { enqueue: async (r) => void w.queued.push(r) },
    journal: { save: (r) => void w.journal.push(r), clear: () => void w.journal.push(null) },
    position: () => w.position,
    now: () => w.now,
    newId: () => `report-${w.queued.length + w.journal.length + 1}-id`,
    setTimer: (fn, ms) => (w.timers.push({ fn, ms }), w.timers.length),
    clearTimer: () => undefined,
  };
  /** Fire the latest heartbeat timer. */
  const tick = async () => {
    const t = w.timers.pop();
    t?.fn();
    await settle();
  };
  return { w, deps, tick };
}

describe('reporter', () => {
  let env: ReturnType<typeof world>;
  beforeEach(() => {
    env = world();
  });

  it('heartbeats at the server’s interval with increasing seqs above minSeq, renewing the token', async () => {
    const r = createReporter(SESSION, env.deps);
    r.start();
    expect(env.w.timers.at(-1)?.ms).toBe(2_000);
    await env.tick();
    env.w.position = { kind: 'offset', offsetMs: 63_000 };
    await env.tick();
    const seqs = env.w.heartbeats.map((h) => h.body.seq);
    expect(seqs[0]).toBeGreaterThan(40);
    expect(seqs[1]).toBeGreaterThan(seqs[0] as number);
    expect(env.w.heartbeats.map((h) => h.token)).toEqual(['pt1.first', 'pt1.renewed-1']);
    expect(r.token()).toBe('pt1.renewed-2');
    expect(env.w.heartbeats[1]?.body).toMatchObject({ position: { offsetMs: 63_000 }, event: 'heartbeat' });
  });

  it('reports pause and seek at once, with seekedBack once the user moved back', async () => {
    const r = createReporter(SESSION, env.deps);
    await r.event('pause');
    r.noteSeekBack();
    await r.event('seek');
    expect(env.w.heartbeats.map((h) => [h.body.event, h.body.seekedBack])).toEqual([
      ['pause', undefined],
      ['seek', true],
    ]);
  });

  it('never reports before playback began (a bad stop cannot erase a good point)', async () => {
    env.w.position = null;
    const r = createReporter(SESSION, env.deps);
    await r.event('pause');
    expect(await r.stop()).toBe('skipped');
    expect(env.w.heartbeats).toEqual([]);
    expect(env.w.stops).toEqual([]);
  });

  it('stop: the position is read synchronously, before anything else happens', async () => {
    const r = createReporter(SESSION, env.deps);
    const stopping = r.stop();
    env.w.position = { kind: 'offset', offsetMs: 0 }; // the player unloads right after
    expect(await stopping).toBe('sent');
    expect(env.w.stops[0]?.body.position).toEqual({ kind: 'offset', offsetMs: 61_000 });
    expect(await r.stop()).toBe('skipped');
    await r.event('pause');
    expect(env.w.heartbeats).toEqual([]);
  });

  it('stop tells its point synchronously, before the stop is sent, with what the bad-stop rule needs', async () => {
    const told: unknown[] = [];
    const r = createReporter({ ...SESSION, resumedFrom: { kind: 'offset', offsetMs: 30_000 } }, { ...env.deps, onStopPoint: (p) => void told.push(p) });
    r.noteSeekBack();
    const stopping = r.stop();
    expect(told).toEqual([{ programId: SESSION.programId, position: { kind: 'offset', offsetMs: 61_000 }, resumedFrom: { kind: 'offset', offsetMs: 30_000 }, seekedBack: true }]);
    expect(env.w.stops).toEqual([]);
    await stopping;
    // Nothing to tell when playback never began, nor for a second stop.
    await r.stop();
    env.w.position = null;
    await createReporter(SESSION, { ...env.deps, onStopPoint: (p) => void told.push(p) }).stop();
    expect(told).toHaveLength(1);
  });

  it('offline: pause and stop go to the outbox as TerminalReports, in seq order', async () => {
    const r = createReporter(SESSION, env.deps);
    r.start();
    await env.tick();
    env.w.offline = true;
    await r.event('pause');
    await env.tick(); // a failed plain heartbeat goes to the journal only
    env.w.position = { kind: 'offset', offsetMs: 65_000 };
    expect(await r.stop()).toBe('queued');
    expect(env.w.queued.map((q) => [q.event, q.breakpoint])).toEqual([
      ['pause', { kind: 'offset', offsetMs: 61_000 }],
      ['stop', { kind: 'offset', offsetMs: 65_000 }],
    ]);
    const [pause, stop] = env.w.queued as [TerminalReport, TerminalReport];
    expect(stop.seq).toBeGreaterThan(pause.seq);
    expect(stop).toMatchObject({ programId: 'harbour-lights', resumedFrom: SESSION.resumedFrom, observedAt: env.w.now, playToken: 'pt1.renewed-1' });
    expect(env.w.journal.filter((j) => j !== null).map((j) => j?.event)).toEqual(['stop']);
    expect(env.w.journal.at(-1)).toBeNull();
  });

  it('a session the server lost is reopened at the current point; the report goes to the outbox', async () => {
    const r = createReporter(SESSION, env.deps);
    env.w.sessionGone = true;
    await r.event('pause');
    expect(env.w.plays).toEqual([{ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 61_000 } }]);
    expect(env.w.queued.map((q) => q.event)).toEqual(['pause']);
    await r.event('seek');
    expect(env.w.heartbeats.at(-1)?.sessionId).toBe('sess-00000002');
    expect(r.token()).toMatch(/^pt1\.renewed/);
  });

  it('stop of a lost session goes to the outbox', async () => {
    const r = createReporter(SESSION, env.deps);
    env.w.sessionGone = true;
    env.w.offline = false;
    const deps = env.deps;
    deps.api.play = async () => {
      throw new ApiError('NETWORK_DOWN', 'x');
    };
    await r.event('heartbeat' as never);
    expect(await r.stop()).toBe('queued');
    expect(env.w.queued.at(-1)?.event).toBe('stop');
  });

  it('pagehide: a synchronous stop with a reserved seq above every seq sent', async () => {
    const r = createReporter(SESSION, env.deps);
    await settle(); // the reserve is filled
    await r.event('pause');
    await settle();
    const lastSent = env.w.heartbeats.at(-1)?.body.seq as number;
    r.stopOnUnload();
    expect(env.w.unloadStops).toHaveLength(1);
    const stop = env.w.unloadStops[0] as StopRequest;
    expect(stop.seq).toBeGreaterThan(lastSent);
    await settle();
    expect(env.w.queued).toEqual([]); // the connection was fine: no outbox copy
    r.stopOnUnload();
    expect(env.w.unloadStops).toHaveLength(1);
  });

  it('pagehide with the connection in doubt: also an outbox copy with the same seq', async () => {
    const r = createReporter(SESSION, env.deps);
    env.w.offline = true;
    await r.event('pause'); // fails: queued, and the connection is now in doubt
    env.w.position = { kind: 'offset', offsetMs: 64_000 };
    r.stopOnUnload();
    await settle();
    const stop = env.w.unloadStops[0] as StopRequest;
    expect(env.w.queued.map((q) => [q.event, q.seq, q.breakpoint])).toEqual([
      ['pause', (env.w.queued[0] as TerminalReport).seq, { kind: 'offset', offsetMs: 61_000 }],
      ['stop', stop.seq, { kind: 'offset', offsetMs: 64_000 }],
    ]);
  });

  it('renews a token about to expire before a media request uses it', async () => {
    const r = createReporter({ ...SESSION, tokenExpiresAt: env.w.now + 5_000 }, env.deps);
    expect(await r.freshToken()).toBe('pt1.renewed-1');
    expect(await r.freshToken()).toBe('pt1.renewed-1');
    expect(env.w.heartbeats).toHaveLength(1);
  });

  it('suspend (page hidden) reports now with keepalive', async () => {
    const r = createReporter(SESSION, env.deps);
    r.start();
    r.suspend();
    await settle();
    expect(env.w.heartbeats.map((h) => h.keepalive)).toEqual([true]);
  });

  it('says whether it plays on every report, and reports a resume at once (issue 15: the handoff point)', async () => {
    let paused = false;
    const r = createReporter(SESSION, { ...env.deps, paused: () => paused });
    r.start();
    await env.tick();
    paused = true;
    await r.event('pause');
    await env.tick();
    // A resume is one heartbeat at once, saying it plays.
    paused = false;
    await r.resumed();
    expect(env.w.heartbeats.map((h) => [h.body.event, h.body.state])).toEqual([
      ['heartbeat', 'playing'], ['pause', 'paused'], ['heartbeat', 'paused'], ['heartbeat', 'playing'],
    ]);
    // Without `paused` (an older controller) nothing is said: the server infers it.
    const old = createReporter(SESSION, env.deps);
    old.start();
    await env.tick();
    expect(env.w.heartbeats.at(-1)?.body.state).toBeUndefined();
  });
});
