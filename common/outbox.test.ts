import { describe, expect, it } from 'vitest';
import { MemoryOutboxStorage, Outbox, outcomeOfFailure, type OutboxEvent, type SendOutcome } from './outbox.ts';

/** Manual timers so retries are driven by the test, not by wall time. */
function manualTimers() {
  const timers: { fn: () => void; ms: number }[] = [];
  return {
    timers,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h: unknown) => {
      const i = timers.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) timers.splice(i, 1);
    },
    fire() {
      const t = timers.shift();
      t?.fn();
    },
  };
}

describe('Outbox', () => {
  it('sends in order, in batches, and empties the storage', async () => {
    const storage = new MemoryOutboxStorage<number>();
    const sent: number[][] = [];
    [1, 2, 3, 4, 5].forEach((item) => storage.entries.set(item, { seq: item, item }));
    const outbox = new Outbox({ storage, batchSize: 2, send: async (items) => (sent.push([...items]), { kind: 'ok' }) });
    await outbox.flush();
    expect(sent).toEqual([[1, 2], [3, 4], [5]]);
    await outbox.enqueue(6);
    await outbox.flush();
    expect(sent.flat()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(storage.entries.size).toBe(0);
    expect(outbox.pending).toBe(0);
  });

  it('keeps items across a restart while the receiver is down, then delivers them once, in order', async () => {
    const storage = new MemoryOutboxStorage<string>();
    const t1 = manualTimers();
    let up = false;
    const received: string[] = [];
    const send = async (items: readonly string[]): Promise<SendOutcome> => {
      if (!up) return { kind: 'retry', reason: 'offline' };
      received.push(...items);
      return { kind: 'ok' };
    };
    const first = new Outbox({ storage, send, setTimer: t1.setTimer, clearTimer: t1.clearTimer });
    await first.enqueue('a');
    await first.enqueue('b');
    await first.flush();
    expect(received).toEqual([]);
    first.destroy(); // the app quits while offline

    up = true;
    const t2 = manualTimers();
    const second = new Outbox({ storage, send, setTimer: t2.setTimer, clearTimer: t2.clearTimer });
    await second.enqueue('c');
    await second.flush();
    expect(received).toEqual(['a', 'b', 'c']);
    expect(await second.items()).toEqual([]);
  });

  it('backs off exponentially up to the cap, and a flush skips the wait', async () => {
    const timers = manualTimers();
    const events: OutboxEvent<number>[] = [];
    let attempts = 0;
    const outbox = new Outbox<number>({
      storage: new MemoryOutboxStorage(),
      send: async () => (++attempts < 5 ? { kind: 'retry', reason: 'down' } : { kind: 'ok' }),
      retryBaseMs: 100,
      retryMaxMs: 500,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      onEvent: (e) => events.push(e),
    });
    await outbox.enqueue(1);
    await outbox.flush();
    for (let i = 0; i < 3; i++) {
      timers.fire();
      await outbox.flush();
    }
    const delays = events.filter((e) => e.type === 'retry').map((e) => (e as { inMs: number }).inMs);
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 500]);
    await outbox.flush(); // explicit flush: no waiting for the timer
    expect(outbox.pending).toBe(0);
    expect(timers.timers).toEqual([]);
  });

  it('drops only the items the receiver refused for good and resends the rest', async () => {
    const storage = new MemoryOutboxStorage<string>();
    // Stored before this outbox started (e.g. by an earlier run), so they go out as one batch.
    ['a', 'bad-1', 'b'].forEach((item, i) => storage.entries.set(i + 1, { seq: i + 1, item }));
    const received: string[][] = [];
    const events: OutboxEvent<string>[] = [];
    const outbox = new Outbox<string>({
      storage,
      send: async (items) => {
        received.push([...items]);
        const bad = items.flatMap((item, i) => (item.startsWith('bad') ? [i] : []));
        return bad.length ? { kind: 'rejected', indexes: bad, reason: 'PROGRAM_NOT_FOUND' } : { kind: 'ok' };
      },
      onEvent: (e) => events.push(e),
    });
    await outbox.flush();
    expect(received).toEqual([['a', 'bad-1', 'b'], ['a', 'b']]);
    expect(events).toContainEqual({ type: 'dropped', items: ['bad-1'], reason: 'PROGRAM_NOT_FOUND' });
    expect(storage.entries.size).toBe(0);
  });

  it('a refusal naming no index drops the batch instead of looping', async () => {
    let calls = 0;
    const outbox = new Outbox<number>({
      storage: new MemoryOutboxStorage(),
      send: async () => (++calls, { kind: 'rejected', indexes: [], reason: 'VALIDATION_FAILED' }),
    });
    await outbox.enqueue(1);
    await outbox.flush();
    expect(calls).toBe(1);
    expect(outbox.pending).toBe(0);
  });

  it('never runs two sends at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const outbox = new Outbox<number>({
      storage: new MemoryOutboxStorage(),
      batchSize: 1,
      send: async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { kind: 'ok' };
      },
    });
    await Promise.all([1, 2, 3, 4].map((n) => outbox.enqueue(n)));
    await Promise.all([outbox.flush(), outbox.flush()]);
    await outbox.flush();
    expect(maxInFlight).toBe(1);
    expect(outbox.pending).toBe(0);
  });

  it('splits a batch the receiver refuses for its size until it fits, dropping nothing', async () => {
    const storage = new MemoryOutboxStorage<number>();
    for (let i = 1; i <= 200; i++) storage.entries.set(i, { seq: i, item: i });
    const received: number[] = [];
    const events: OutboxEvent<number>[] = [];
    const outbox = new Outbox<number>({
      storage,
      batchSize: 200,
      // A body limit that holds 7 reports: larger batches get 413.
      send: async (items) => {
        if (items.length > 7) return outcomeOfFailure({ status: 413, code: 'BODY_TOO_LARGE' }, items.length);
        received.push(...items);
        return { kind: 'ok' };
      },
      onEvent: (e) => events.push(e),
    });
    await outbox.flush();
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'dropped')).toEqual([]);
    expect(storage.entries.size).toBe(0);
  });

  it('isolates one report refused without being named, and delivers the others in order', async () => {
    const storage = new MemoryOutboxStorage<string>();
    ['a', 'b', 'bad', 'c', 'd'].forEach((item, i) => storage.entries.set(i + 1, { seq: i + 1, item }));
    const received: string[] = [];
    const events: OutboxEvent<string>[] = [];
    const outbox = new Outbox<string>({
      storage,
      send: async (items) => {
        if (items.includes('bad')) return outcomeOfFailure({ status: 400, code: 'VALIDATION_FAILED' }, items.length);
        received.push(...items);
        return { kind: 'ok' };
      },
      onEvent: (e) => events.push(e),
    });
    await outbox.flush();
    expect(received).toEqual(['a', 'b', 'c', 'd']);
    expect(events.filter((e) => e.type === 'dropped')).toEqual([{ type: 'dropped', items: ['bad'], reason: '400 VALIDATION_FAILED' }]);
  });
});

describe('outcomeOfFailure (the one refusal policy of every outbox)', () => {
  it.each([
    [{ status: null }, 'retry'],
    [{ status: 500, code: 'INTERNAL' }, 'retry'],
    [{ status: 503, code: 'UPSTREAM_UNAVAILABLE' }, 'retry'],
    [{ status: 429, code: 'RATE_LIMITED' }, 'retry'],
    [{ status: 408 }, 'retry'],
    [{ status: 401, code: 'UNAUTHENTICATED' }, 'retry'],
    [{ status: 403, code: 'FORBIDDEN' }, 'retry'],
    [{ status: 404, code: 'ROUTE_NOT_FOUND' }, 'retry'],
    [{ status: 413, code: 'BODY_TOO_LARGE' }, 'split'],
    [{ status: 400, code: 'VALIDATION_FAILED' }, 'split'],
    [{ status: 400, code: 'VALIDATION_FAILED', rejectedIndexes: [9] }, 'split'],
    [{ status: 400, code: 'VALIDATION_FAILED', rejectedIndexes: [1, 1] }, 'rejected'],
    [{ status: 404, code: 'PROGRAM_NOT_FOUND', rejectedIndexes: [1] }, 'rejected'],
  ] as const)('%j → %s', (failure, kind) => {
    const outcome = outcomeOfFailure(failure, 3);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'rejected') expect(outcome.indexes).toEqual([1]);
  });
});
