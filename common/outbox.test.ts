import { describe, expect, it } from 'vitest';
import { MemoryOutboxStorage, Outbox, outcomeOfFailure, type OutboxEntry, type OutboxEvent, type SendOutcome } from './outbox.ts';

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

/** A memory storage with `appendMany`, whose writes the test can hold and fail. */
class BatchStorage<T> extends MemoryOutboxStorage<T> {
  readonly writes: number[][] = [];
  gate: Promise<void> | null = null;
  failNext = false;
  override async append(): Promise<void> {
    throw new Error('batched outbox must use appendMany');
  }
  async appendMany(entries: readonly OutboxEntry<T>[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.writes.push(entries.map((e) => e.seq));
    for (const e of entries) this.entries.set(e.seq, structuredClone(e));
  }
}

const settle = async (turns = 5) => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('Outbox races and batched appends', () => {
  // A flush() that lands in the microtasks between a failed send's retry being scheduled and the
  // flush loop letting go used to cancel the retry timer and join the finishing flush: the item
  // then waited for the next enqueue, forever on a quiet terminal. Every landing point is tried.
  it.each(Array.from({ length: 12 }, (_, i) => i))('a flush %i microtasks after a failed send leaves a way to send the queue', async (hops) => {
    const t = manualTimers();
    let up = false;
    const answers: ((o: SendOutcome) => void)[] = [];
    const received: string[] = [];
    const outbox = new Outbox<string>({
      storage: new MemoryOutboxStorage(),
      setTimer: t.setTimer,
      clearTimer: t.clearTimer,
      send: (items) => {
        if (up) {
          received.push(...items);
          return Promise.resolve({ kind: 'ok' });
        }
        return new Promise((resolve) => answers.push(resolve));
      },
    });
    await outbox.enqueue('a');
    await settle(1);
    expect(answers.length).toBe(1);
    answers.shift()?.({ kind: 'retry', reason: 'offline' });
    for (let i = 0; i < hops; i++) await Promise.resolve();
    void outbox.flush();
    await settle();
    up = true;
    // Whatever state the flush left: a send under way (it fails too), then a retry timer to fire.
    while (answers.length > 0) answers.shift()?.({ kind: 'retry', reason: 'offline' });
    await settle();
    while (t.timers.length > 0) {
      t.fire();
      await settle();
    }
    expect(received).toEqual(['a']);
    expect(outbox.pending).toBe(0);
  });

  it('a caller’s flush during a send that then fails gets a round of its own (an enqueue’s does not)', async () => {
    const t = manualTimers();
    let up = false;
    let calls = 0;
    const received: string[] = [];
    const answers: (() => void)[] = [];
    const outbox = new Outbox<string>({
      storage: new MemoryOutboxStorage(),
      setTimer: t.setTimer,
      clearTimer: t.clearTimer,
      send: async (items) => {
        calls++;
        const reachable = up; // decided when the send starts, answered when the test says
        await new Promise<void>((r) => answers.push(r));
        if (!reachable) return { kind: 'retry', reason: 'offline' };
        received.push(...items);
        return { kind: 'ok' };
      },
    });
    await outbox.enqueue('a'); // its send is under way, and will fail
    await settle(1);
    await outbox.enqueue('b'); // an enqueue during it: no extra round after the failure
    answers.shift()?.();
    await settle();
    expect(calls).toBe(1);
    expect(t.timers.length).toBe(1);
    // The retry timer's send is under way; global comes back; the caller flushes.
    t.fire();
    await settle(1);
    expect(calls).toBe(2);
    const flushed = outbox.flush();
    up = true;
    answers.shift()?.(); // that send started while global was away: it fails
    await settle(1);
    answers.shift()?.(); // the caller's own round
    await flushed;
    expect(received).toEqual(['a', 'b']);
    expect(calls).toBe(3);
    expect(outbox.pending).toBe(0);
  });

  it('batched appends: one write per turn, each enqueue resolved only after it, nothing sent before it is stored', async () => {
    const storage = new BatchStorage<number>();
    let release = () => {};
    storage.gate = new Promise<void>((r) => (release = r));
    const sent: number[] = [];
    const outbox = new Outbox<number>({
      storage,
      batchAppends: (fn) => setImmediate(fn),
      send: async (items) => (sent.push(...items), { kind: 'ok' }),
    });
    let resolved = 0;
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => outbox.enqueue(n).then(() => resolved++)));
    await settle();
    expect(resolved).toBe(0);
    expect(sent).toEqual([]);
    expect(outbox.pending).toBe(0);
    release();
    storage.gate = null;
    await all;
    expect(storage.writes).toEqual([[1, 2, 3, 4, 5]]);
    await outbox.flush();
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    // A later turn is a later write, in order.
    await Promise.all([6, 7].map((n) => outbox.enqueue(n)));
    await outbox.flush();
    expect(storage.writes).toEqual([[1, 2, 3, 4, 5], [6, 7]]);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(storage.entries.size).toBe(0);
  });

  it('a failed batched write rejects each of its enqueues and sends none of them; the next batch goes on', async () => {
    const storage = new BatchStorage<string>();
    storage.failNext = true;
    const sent: string[] = [];
    const outbox = new Outbox<string>({
      storage,
      batchAppends: (fn) => setImmediate(fn),
      send: async (items) => (sent.push(...items), { kind: 'ok' }),
    });
    const outcomes = await Promise.allSettled(['x', 'y', 'z'].map((n) => outbox.enqueue(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await outbox.enqueue('ok');
    await outbox.flush();
    expect(sent).toEqual(['ok']);
    expect(await outbox.items()).toEqual([]);
  });

  it('sends failing and succeeding while batched appends land: every item delivered once, in order, none left stored', async () => {
    const storage = new BatchStorage<number>();
    const t = manualTimers();
    const received: number[] = [];
    let calls = 0;
    const outbox = new Outbox<number>({
      storage,
      batchSize: 3,
      setTimer: t.setTimer,
      clearTimer: t.clearTimer,
      batchAppends: (fn) => setImmediate(fn),
      send: async (items) => {
        calls++;
        await new Promise((r) => setTimeout(r, calls % 3));
        // Every third send fails after a while: the batch stays, the next flush sends it again.
        if (calls % 3 === 0) return { kind: 'retry', reason: 'flaky' };
        received.push(...items);
        return { kind: 'ok' };
      },
    });
    const enqueued: Promise<void>[] = [];
    for (let n = 1; n <= 40; n++) {
      enqueued.push(outbox.enqueue(n));
      if (n % 4 === 0) {
        void outbox.flush();
        await new Promise((r) => setTimeout(r, n % 3));
      }
    }
    await Promise.all(enqueued);
    for (let i = 0; i < 100 && outbox.pending > 0; i++) {
      await outbox.flush();
      t.fire();
      await settle(1);
    }
    expect(received).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(storage.entries.size).toBe(0);
  });
});

describe('Outbox.settled (wait for the receiver, not only for the write)', () => {
  it('resolves once every item enqueued before it was accepted — not before, and not for later items', async () => {
    const answers: ((o: SendOutcome) => void)[] = [];
    const sent: string[][] = [];
    const outbox = new Outbox<string>({
      storage: new BatchStorage<string>(),
      batchAppends: (fn) => setImmediate(fn),
      send: (items) => (sent.push([...items]), new Promise((resolve) => answers.push(resolve))),
    });
    await outbox.enqueue('a');
    let done = false;
    const settled = outbox.settled().then(() => (done = true));
    await settle();
    expect(sent).toEqual([['a']]);
    expect(done).toBe(false);
    // An item enqueued after the call is not waited for.
    const later = outbox.enqueue('b');
    answers.shift()?.({ kind: 'ok' });
    await settled;
    await later;
    expect(done).toBe(true);
    expect(outbox.pending).toBe(1);
    answers.shift()?.({ kind: 'ok' });
    await outbox.flush();
  });

  it('waits for an item still being written (a batched append not yet stored)', async () => {
    const storage = new BatchStorage<string>();
    let release = () => {};
    storage.gate = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const outbox = new Outbox<string>({ storage, batchAppends: (fn) => setImmediate(fn), send: async (items) => (sent.push(...items), { kind: 'ok' }) });
    const stored = outbox.enqueue('a');
    await Promise.resolve();
    let done = false;
    const settled = outbox.settled().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    release();
    storage.gate = null;
    await stored;
    await settled;
    expect(sent).toEqual(['a']);
  });

  it('a failed send ends the wait (the receiver is down) and keeps the backoff; the item stays queued', async () => {
    const t = manualTimers();
    let sends = 0;
    const outbox = new Outbox<string>({
      storage: new MemoryOutboxStorage(),
      setTimer: t.setTimer,
      clearTimer: t.clearTimer,
      send: async () => (sends++, { kind: 'retry', reason: 'offline' }),
    });
    await outbox.enqueue('a');
    await outbox.settled();
    expect(outbox.pending).toBe(1);
    expect(t.timers.length).toBe(1);
    // While the retry waits, the receiver is known to be down: nothing to wait for, nothing forced.
    await outbox.settled();
    await outbox.settled();
    expect(sends).toBe(1);
    expect(t.timers.length).toBe(1);
    expect(outbox.pending).toBe(1);
  });

  it('resolves at once with nothing queued, on a refusal for good, and on destroy', async () => {
    await new Outbox<string>({ storage: new MemoryOutboxStorage(), send: async () => ({ kind: 'ok' }) }).settled();
    const refused = new Outbox<string>({ storage: new MemoryOutboxStorage(), send: async () => ({ kind: 'rejected', indexes: [0], reason: '422' }) });
    await refused.enqueue('bad');
    await refused.settled();
    expect(refused.pending).toBe(0);
    const hanging = new Outbox<string>({ storage: new MemoryOutboxStorage(), send: () => new Promise(() => {}) });
    await hanging.enqueue('x');
    const waiting = hanging.settled();
    hanging.destroy();
    await waiting;
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
