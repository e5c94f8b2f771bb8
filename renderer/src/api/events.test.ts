import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../common/protocol/api.ts';
import { record, settle } from '../testing/fixtures.ts';
import { createPushStream, type PushState } from './events.ts';
import { ApiError } from './http.ts';

/** A controllable SSE response. */
function sseResponse() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
  const enc = new TextEncoder();
  return {
    res: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send: (text: string) => ctrl.enqueue(enc.encode(text)),
    end: () => ctrl.close(),
  };
}

const frame = (e: PushEvent) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

/** Manual timers. */
function timers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let id = 0;
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => (pending.set(++id, { fn, ms }), id),
    clearTimer: (h: unknown) => void pending.delete(h as number),
    /** Run the timers of exactly `ms` (the backoff waits). */
    fire(ms: number) {
      for (const [k, t] of [...pending]) {
        if (t.ms !== ms) continue;
        pending.delete(k);
        t.fn();
      }
    },
  };
}

describe('push stream', () => {
  it('parses events in chunks, ignores invalid ones, calls onOpen on hello', async () => {
    const s = sseResponse();
    const events: PushEvent[] = [];
    const opens: boolean[] = [];
    const t = timers();
    const stream = createPushStream({ open: async () => s.res, onEvent: (e) => events.push(e), onOpen: (again) => opens.push(again), ...t });
    stream.start();
    await settle();
    s.send('retry: 2000\n\n');
    s.send(frame({ type: 'hello', terminalId: 'term-aaaaaaaa', at: 1_800_000_000_000 }).slice(0, 20));
    s.send(frame({ type: 'hello', terminalId: 'term-aaaaaaaa', at: 1_800_000_000_000 }).slice(20));
    s.send(': keep-alive\n\n');
    s.send('event: history\ndata: {"type":"history","record":{}}\n\n');
    const good = { type: 'history', record: record('harbour-lights', { kind: 'offset', offsetMs: 61_000 }), outcome: 'applied', event: 'stop' } as const;
    s.send(frame(good));
    s.send('data: not json\n\n');
    await settle();
    expect(opens).toEqual([false]);
    expect(events).toEqual([good]);
    stream.stop();
  });

  it('delivers an event from a newer server that carries fields it does not know', async () => {
    const s = sseResponse();
    const events: unknown[] = [];
    const stream = createPushStream({ open: async () => s.res, onEvent: (e) => events.push(e), onOpen: () => undefined, ...timers() });
    stream.start();
    await settle();
    // The breakpoint is a strict schema (the server refuses unknown fields in a report's).
    const point = { kind: 'offset', offsetMs: 61_000, frame: 1464 } as unknown as { kind: 'offset'; offsetMs: number };
    const newer = { type: 'history', record: { ...record('harbour-lights', point), device: 'x' }, outcome: 'applied', event: 'stop', origin: 'cdn-1' };
    s.send(`event: history\ndata: ${JSON.stringify(newer)}\n\n`);
    // …but not one whose known fields are wrong.
    s.send(`event: history\ndata: ${JSON.stringify({ ...newer, outcome: 'maybe' })}\n\n`);
    await settle();
    expect(events).toEqual([newer]);
    stream.stop();
  });

  it('reconnects after the stream ends, with onOpen(again = true)', async () => {
    const conns = [sseResponse(), sseResponse()];
    let n = 0;
    const opens: boolean[] = [];
    const states: PushState[] = [];
    const t = timers();
    const stream = createPushStream({ open: async () => (conns[n++] as ReturnType<typeof sseResponse>).res, onEvent: () => undefined, onOpen: (a) => opens.push(a), onState: (s) => states.push(s), ...t });
    stream.start();
    await settle();
    conns[0]?.send('retry: 2000\n\n' + frame({ type: 'hello', terminalId: 'term-aaaaaaaa', at: 1_800_000_000_000 }));
    await settle();
    conns[0]?.end();
    await settle();
    expect(states).toContain('waiting');
    t.fire(2000); // the server's retry hint
    await settle();
    conns[1]?.send(frame({ type: 'hello', terminalId: 'term-aaaaaaaa', at: 1_800_000_000_001 }));
    await settle();
    expect(opens).toEqual([false, true]);
    expect(n).toBe(2);
    stream.stop();
  });

  it('backs off exponentially while it cannot connect, and reconnectNow skips the wait', async () => {
    let attempts = 0;
    const t = timers();
    const stream = createPushStream({
      open: async () => {
        attempts++;
        throw new ApiError('NETWORK_DOWN', 'offline');
      },
      onEvent: () => undefined,
      onOpen: () => undefined,
      baseDelayMs: 1000,
      ...t,
    });
    stream.start();
    await settle();
    expect([...t.pending.values()].map((p) => p.ms)).toEqual([1000]);
    t.fire(1000);
    await settle();
    expect([...t.pending.values()].map((p) => p.ms)).toEqual([2000]);
    stream.reconnectNow();
    await settle();
    expect(attempts).toBe(3);
    stream.stop();
  });

  it('stops for good when the credential is refused', async () => {
    const fatal: string[] = [];
    const t = timers();
    const stream = createPushStream({
      open: async () => {
        throw new ApiError('UNAUTHENTICATED', 'revoked', 401);
      },
      onEvent: () => undefined,
      onOpen: () => undefined,
      onFatal: (c) => fatal.push(c),
      ...t,
    });
    stream.start();
    await settle();
    expect(fatal).toEqual(['UNAUTHENTICATED']);
    expect(t.pending.size).toBe(0);
  });
});
