/**
 * The outbox: reports that must reach the server eventually, exactly once, in order — a
 * terminal's breakpoints while it is offline, a streaming cluster's reports while global is
 * down. Environment-free: persistence is a storage port (SQLite on the server, IndexedDB or
 * localStorage in a browser, electron-store in the PC app) and sending is a callback.
 *
 * Guarantees: an item is persisted before `enqueue` resolves; items are sent in enqueue
 * order, in batches; an item leaves the outbox only when the receiver accepted it (or refused
 * it for good); transient failures retry with capped exponential backoff. Idempotence at the
 * receiver (report ids) makes a resend after a lost reply harmless.
 *
 * Ownership and timing: one Outbox per storage; `flush` runs at most one send at a time;
 * `destroy` stops timers but keeps what is stored.
 */

/** One stored item with its queue position. */
export interface OutboxEntry<T> {
  /** Monotonic position (assigned by the outbox). */
  seq: number;
  item: T;
}

/** Where items are kept between enqueue and acknowledgement. */
export interface OutboxStorage<T> {
  /** Every stored entry, in any order. */
  load(): Promise<OutboxEntry<T>[]>;
  /** Persist one entry durably. */
  append(entry: OutboxEntry<T>): Promise<void>;
  /**
   * Persist several entries durably, all or none (one transaction): used instead of `append`
   * when the outbox batches its appends (`batchAppends`). Optional.
   */
  appendMany?(entries: readonly OutboxEntry<T>[]): Promise<void>;
  /** Forget entries by seq. */
  remove(seqs: readonly number[]): Promise<void>;
}

/**
 * What became of a send: `ok` — all accepted; `rejected` — the receiver refused the items at
 * these batch indexes for good (they are dropped, the rest is sent again); `split` — the
 * receiver refused the batch as a whole (too large, or one bad item it did not name): send it
 * again in halves, down to single items, so only an item refused on its own is ever dropped;
 * `retry` — try the whole batch again later (network down, 5xx, 429).
 */
export type SendOutcome =
  | { kind: 'ok' }
  | { kind: 'rejected'; indexes: readonly number[]; reason: string }
  | { kind: 'split'; reason: string }
  | { kind: 'retry'; reason: string };

/** A failed send, as every sender sees it (HTTP or not). */
export interface SendFailure {
  /** HTTP status of the answer; null when none came (network down, timeout, refused connection). */
  status: number | null;
  /** The answer's stable error code (common/errors.ts), if it had one. */
  code?: string | null;
  /** Batch indexes the receiver named as refused (`details.rejected[].index`), if it named any. */
  rejectedIndexes?: readonly number[] | null;
}

/**
 * THE policy for a refused batch — the one the terminal's outbox, the PC app's own upload and
 * the streaming cluster's reporter all apply, so one stored outbox means one behaviour:
 * - no answer, 5xx, 408, 429: retry later, the whole batch;
 * - the answer names refused reports: drop exactly those, send the rest again;
 * - 401, 403, 404 naming none: retry later — a refused credential (kept until the terminal is linked
 *   again) or a server without the route (not global, not yet) says nothing about the reports,
 *   and dropping them would lose acknowledged progress;
 * - any other refusal (413 too large, 400/422 without names): split the batch, so that only a
 *   report refused on its own is dropped.
 */
export function outcomeOfFailure(f: SendFailure, batchSize: number): SendOutcome {
  const what = `${f.status ?? 'no answer'}${f.code ? ` ${f.code}` : ''}`;
  const s = f.status;
  if (s === null || s >= 500 || s === 408 || s === 429 || s < 400) return { kind: 'retry', reason: what };
  const named = (f.rejectedIndexes ?? []).filter((i) => Number.isInteger(i) && i >= 0 && i < batchSize);
  if (named.length > 0) return { kind: 'rejected', indexes: [...new Set(named)], reason: what };
  if (s === 401 || s === 403 || s === 404) return { kind: 'retry', reason: what };
  return { kind: 'split', reason: what };
}

/** Callbacks and limits of an outbox. */
export interface OutboxOptions<T> {
  storage: OutboxStorage<T>;
  /** Send a batch (in order). Must not throw; map failures to an outcome. */
  send: (items: readonly T[]) => Promise<SendOutcome>;
  /** Largest batch (default 100). */
  batchSize?: number;
  /** First retry delay (default 1 s) and cap (default 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Told about dropped items and retries (for logs and UI). */
  onEvent?: (event: OutboxEvent<T>) => void;
  /** Timer functions (injected by tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /**
   * Batch the appends: items enqueued until `schedule` runs its callback (the server passes
   * `setImmediate`: one event-loop turn) are persisted together with `storage.appendMany`, one
   * durable write instead of one each; every `enqueue` still resolves only once its item is
   * stored. Absent (or a storage without `appendMany`): one `append` per item.
   */
  batchAppends?: (fn: () => void) => void;
}

/** What the outbox reports about itself. */
export type OutboxEvent<T> =
  | { type: 'sent'; count: number }
  | { type: 'dropped'; items: T[]; reason: string }
  | { type: 'retry'; inMs: number; reason: string; pending: number };

/** A `settled()` caller: waits until no item up to `upTo` is left, or a send failed. */
interface SettleWaiter {
  upTo: number;
  resolve: () => void;
}

/** A persistent, ordered, retrying queue. */
export class Outbox<T> {
  readonly #o: Required<Omit<OutboxOptions<T>, 'onEvent' | 'batchAppends'>> & Pick<OutboxOptions<T>, 'onEvent' | 'batchAppends'>;
  #entries: OutboxEntry<T>[] = [];
  #nextSeq = 1;
  #loaded: Promise<void>;
  #flushing: Promise<void> | null = null;
  #again = false;
  /** A caller's flush() arrived during the current round. */
  #forced = false;
  #timer: unknown = null;
  #failures = 0;
  #destroyed = false;
  /** The batch size now: the configured one, halved by `split` answers, doubled back by successes. */
  #limit = 0;
  /** Items waiting for the next batched append, and the batch being written (appends stay in order). */
  #toAppend: { entry: OutboxEntry<T>; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #appendScheduled = false;
  #appending: Promise<void> = Promise.resolve();
  /** Seqs enqueued but not yet stored (their append is scheduled or being written). */
  #unstored = new Set<number>();
  #settleWaiters: SettleWaiter[] = [];

  constructor(options: OutboxOptions<T>) {
    this.#o = {
      batchSize: 100,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
    this.#limit = this.#o.batchSize;
    this.#loaded = this.#o.storage.load().then((entries) => {
      this.#entries = entries.sort((a, b) => a.seq - b.seq);
      this.#nextSeq = (this.#entries.at(-1)?.seq ?? 0) + 1;
    });
  }

  /** Items waiting to be sent. */
  get pending(): number {
    return this.#entries.length;
  }

  /** The waiting items, oldest first (for display and tests). */
  async items(): Promise<T[]> {
    await this.#loaded;
    return this.#entries.map((e) => e.item);
  }

  /** Persist an item, then try to send. Resolves once the item is stored (not sent). */
  async enqueue(item: T): Promise<void> {
    await this.#loaded;
    const entry = { seq: this.#nextSeq++, item };
    const { storage, batchAppends } = this.#o;
    this.#unstored.add(entry.seq);
    if (batchAppends && storage.appendMany) {
      await new Promise<void>((resolve, reject) => {
        this.#toAppend.push({ entry, resolve, reject });
        if (this.#appendScheduled) return;
        this.#appendScheduled = true;
        batchAppends(() => this.#appendBatch());
      });
      return;
    }
    try {
      await storage.append(entry);
    } catch (err) {
      this.#unstored.delete(entry.seq);
      this.#checkSettled();
      throw err;
    }
    this.#unstored.delete(entry.seq);
    // Only a stored entry is ever sent (so never removed before it was written, nor sent when
    // its write failed), and in seq order even when two appends finish out of order.
    this.#insertStored([entry]);
    void this.#flush(false);
  }

  /** Write the items enqueued since the last batch, after the previous batch (order kept). */
  #appendBatch(): void {
    this.#appendScheduled = false;
    const batch = this.#toAppend;
    this.#toAppend = [];
    if (batch.length === 0) return;
    const append = (this.#o.storage.appendMany as (e: readonly OutboxEntry<T>[]) => Promise<void>).bind(this.#o.storage);
    this.#appending = this.#appending.then(async () => {
      try {
        await append(batch.map((b) => b.entry));
      } catch (err) {
        for (const b of batch) this.#unstored.delete(b.entry.seq);
        for (const b of batch) b.reject(err);
        this.#checkSettled();
        return;
      }
      for (const b of batch) this.#unstored.delete(b.entry.seq);
      this.#insertStored(batch.map((b) => b.entry));
      // The send starts before the callers hear "stored", as with one append per item.
      void this.#flush(false);
      for (const b of batch) b.resolve();
    });
  }

  #insertStored(entries: readonly OutboxEntry<T>[]): void {
    for (const entry of entries) {
      const last = this.#entries.at(-1);
      if (!last || last.seq < entry.seq) this.#entries.push(entry);
      else this.#entries.splice(this.#entries.findIndex((e) => e.seq > entry.seq), 0, entry);
    }
  }

  /**
   * Send everything now (skipping any backoff wait). Resolves when the queue is empty or a send
   * failed. Called while a send is under way, it gets a round of its own after that send, even
   * if that send failed (it started before this call, so it is not the "now" asked for).
   */
  flush(): Promise<void> {
    return this.#flush(true);
  }

  /**
   * Wait until every item enqueued before this call has left the outbox (accepted, or refused
   * for good), or a send failed or had failed and will be retried later (the receiver is
   * unreachable: there is nothing to wait for), or the outbox was destroyed. Never rejects, never forces a send
   * (a retry's backoff is kept). Used where a caller wants "the receiver has it" when that is
   * quick — the streaming cluster's stop answer — and "it is stored" otherwise.
   */
  async settled(): Promise<void> {
    // After the load, like enqueue: an enqueue called before this call has its seq by then
    // (its continuation on the same promise runs first).
    await this.#loaded;
    const upTo = this.#nextSeq - 1;
    // A retry is scheduled: the receiver is known to be unreachable, nothing to wait for.
    if (this.#destroyed || this.#timer !== null || !this.#holdsUpTo(upTo)) return;
    await new Promise<void>((resolve) => this.#settleWaiters.push({ upTo, resolve }));
  }

  /** True while an item with seq ≤ `upTo` is stored or being stored. */
  #holdsUpTo(upTo: number): boolean {
    const first = this.#entries[0];
    if (first && first.seq <= upTo) return true;
    for (const s of this.#unstored) if (s <= upTo) return true;
    return false;
  }

  /** Release the `settled()` waiters that are done (`all`: every one, a send failed). */
  #checkSettled(all = false): void {
    if (this.#settleWaiters.length === 0) return;
    const keep: SettleWaiter[] = [];
    for (const w of this.#settleWaiters) {
      if (all || this.#destroyed || !this.#holdsUpTo(w.upTo)) w.resolve();
      else keep.push(w);
    }
    this.#settleWaiters = keep;
  }

  /** `forced`: a caller's flush; otherwise an enqueue's or a retry timer's, which a failure ends. */
  #flush(forced: boolean): Promise<void> {
    if (this.#destroyed) return Promise.resolve();
    if (this.#timer !== null) {
      this.#o.clearTimer(this.#timer);
      this.#timer = null;
    }
    if (this.#flushing) {
      // A send is under way: make it go round once more, so an item enqueued just as the
      // last round found the queue empty is not left waiting for the next event.
      this.#again = true;
      if (forced) this.#forced = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      try {
        for (;;) {
          this.#again = false;
          this.#forced = false;
          await this.#drain();
          if (!this.#again || this.#destroyed) break;
          if (this.#timer !== null) {
            // This round failed and scheduled a retry: only a caller's flush overrides it.
            if (!this.#forced) break;
            this.#o.clearTimer(this.#timer);
            this.#timer = null;
          }
        }
      } finally {
        // Cleared in the same synchronous step as the loop's last check. (It was cleared in a
        // `.finally` callback, a microtask later: a flush() in between — say an enqueue right
        // after a failed send — cancelled the retry timer, was told a send was under way, and
        // nothing sent the queue again until the next enqueue.)
        this.#flushing = null;
      }
    })();
    return this.#flushing;
  }

  /** Stop retrying; stored items stay for the next Outbox over the same storage. */
  destroy(): void {
    this.#destroyed = true;
    if (this.#timer !== null) this.#o.clearTimer(this.#timer);
    this.#timer = null;
    this.#checkSettled(true);
  }

  async #drain(): Promise<void> {
    await this.#loaded;
    while (!this.#destroyed && this.#entries.length > 0) {
      const batch = this.#entries.slice(0, this.#limit);
      let outcome = await this.#o.send(batch.map((e) => e.item));
      // Destroyed while sending (shutdown): the storage may be closed; the batch stays stored
      // and is sent again by the next run (a duplicate at the receiver, never a loss).
      if (this.#destroyed) return;
      if (outcome.kind === 'retry') {
        this.#scheduleRetry(outcome.reason);
        return;
      }
      this.#failures = 0;
      if (outcome.kind === 'rejected' && !outcome.indexes.some((i) => i >= 0 && i < batch.length)) {
        // A refusal that names nothing is a refusal of the batch as a whole.
        outcome = { kind: 'split', reason: outcome.reason };
      }
      if (outcome.kind === 'split') {
        // Refused as a whole: try halves at once. A single item refused whole is refused on its own.
        if (batch.length > 1) {
          this.#limit = Math.ceil(batch.length / 2);
          continue;
        }
        outcome = { kind: 'rejected', indexes: [0], reason: outcome.reason };
      }
      this.#limit = Math.min(this.#o.batchSize, this.#limit * 2);
      const dropped = outcome.kind === 'rejected' ? new Set(outcome.indexes) : null;
      // `ok` removes the batch; `rejected` removes only the refused items — the batch was
      // refused whole, so the others are sent again in the next round.
      const done = dropped ? batch.filter((_, i) => dropped.has(i)) : batch;
      await this.#o.storage.remove(done.map((e) => e.seq));
      const removed = new Set(done.map((e) => e.seq));
      this.#entries = this.#entries.filter((e) => !removed.has(e.seq));
      if (outcome.kind === 'rejected') this.#o.onEvent?.({ type: 'dropped', items: done.map((e) => e.item), reason: outcome.reason });
      else this.#o.onEvent?.({ type: 'sent', count: done.length });
      this.#checkSettled();
    }
  }

  #scheduleRetry(reason: string): void {
    this.#checkSettled(true);
    this.#failures++;
    const inMs = Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** (this.#failures - 1));
    this.#o.onEvent?.({ type: 'retry', inMs, reason, pending: this.#entries.length });
    this.#timer = this.#o.setTimer(() => {
      this.#timer = null;
      void this.#flush(false);
    }, inMs);
  }
}

/** An in-memory storage (tests, and terminals that accept losing the queue on restart). */
export class MemoryOutboxStorage<T> implements OutboxStorage<T> {
  readonly entries = new Map<number, OutboxEntry<T>>();
  async load(): Promise<OutboxEntry<T>[]> {
    return [...this.entries.values()];
  }
  async append(entry: OutboxEntry<T>): Promise<void> {
    this.entries.set(entry.seq, structuredClone(entry));
  }
  async remove(seqs: readonly number[]): Promise<void> {
    for (const s of seqs) this.entries.delete(s);
  }
}
