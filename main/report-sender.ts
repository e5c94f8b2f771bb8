/**
 * The main process's own upload of the stored outbox (`POST /api/v1/history/sync`), used on
 * quit, on suspend, after a renderer crash and at start — the moments the renderer cannot be
 * relied on. It reuses the one outbox engine (common/outbox.ts) for a single bounded pass:
 * a fresh Outbox over the stored entries, one flush, then destroy (no retry timers outlive the
 * pass; what is not sent stays stored for the next pass or for the renderer).
 *
 * Sending the same entries as a renderer that runs its own Outbox is harmless: the server is
 * idempotent by report id, and removing an already-removed seq is a no-op.
 */
import Value from 'typebox/value';
import { Outbox, outcomeOfFailure, type OutboxStorage, type SendOutcome } from '../common/outbox.ts';
import { RejectedReports, TerminalReport, type SyncRequest } from '../common/protocol/api.ts';
import type { TerminalIdentityRecord } from '../common/platform.ts';
import type { LocalState } from './local-state.ts';
import type { Logger } from './log.ts';

/** `fetch`, reduced to what the sender uses (Electron's `net.fetch` or Node's). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

/** Map one HTTP answer to what the outbox should do with the batch: the common policy (common/outbox.ts). */
export async function outcomeOf(status: number, body: () => Promise<unknown>, batchSize: number): Promise<SendOutcome> {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const payload = status >= 400 && status < 500 ? await body().catch(() => null) : null;
  const { code, details } = (payload ?? {}) as { code?: unknown; details?: unknown };
  const named = Value.Check(RejectedReports, details) ? details.rejected.map((r) => r.index) : null;
  return outcomeOfFailure({ status, code: typeof code === 'string' ? code : null, rejectedIndexes: named }, batchSize);
}

/** Builds the send callback for an identity. */
export function reportSender(identity: TerminalIdentityRecord, fetch: FetchLike, now: () => number, timeoutMs: number): (items: readonly unknown[]) => Promise<SendOutcome> {
  return async (items) => {
    // Entries that are not reports can never be sent: drop them rather than block the queue.
    const bad = items.flatMap((item, i) => (Value.Check(TerminalReport, item) ? [] : [i]));
    if (bad.length > 0) return { kind: 'rejected', indexes: bad, reason: 'not a TerminalReport' };
    const body: SyncRequest = { sentAt: now(), reports: items as TerminalReport[] };
    try {
      const res = await fetch(`${identity.serverUrl.replace(/\/$/, '')}/api/v1/history/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${identity.credential}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return await outcomeOf(res.status, () => res.json(), items.length);
    } catch (err) {
      return { kind: 'retry', reason: `network: ${String(err)}` };
    }
  };
}

/** The handle of a retry that a single pass never schedules. */
const NO_TIMER = Symbol('no-timer');

/** What one flush pass did. */
export interface FlushResult {
  sent: number;
  dropped: number;
  /** Entries still stored afterwards. */
  pending: number;
  /** Why it stopped early, when it did. */
  stopped: string | null;
}

/** Options of a flush pass. */
export interface FlushOptions {
  state: LocalState;
  fetch: FetchLike;
  log: Logger;
  now?: () => number;
  /** Per request (default 4 s). */
  requestTimeoutMs?: number;
  /**
   * Where this identity's server is now (default: `identity.serverUrl`). The embedded server
   * may have moved to another port since the PC was linked; its data, and so the terminal, is
   * the same.
   */
  serverUrlFor?: (identity: TerminalIdentityRecord) => string;
}

/** Upload the stored `reports` outbox once. Never throws; without an identity it sends nothing. */
export async function flushStoredOutbox({ state, fetch, log, now = Date.now, requestTimeoutMs = 4_000, serverUrlFor }: FlushOptions): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, dropped: 0, pending: 0, stopped: null };
  const identity = state.loadIdentity();
  const storage: OutboxStorage<unknown> = {
    load: async () => state.outboxLoad('reports'),
    append: async (entry) => state.outboxAppend('reports', entry),
    remove: async (seqs) => state.outboxRemove('reports', seqs),
  };
  if (!identity) {
    result.pending = state.outboxLoad('reports').length;
    result.stopped = result.pending > 0 ? 'no terminal identity yet' : null;
    return result;
  }
  const outbox = new Outbox<unknown>({
    storage,
    send: reportSender(serverUrlFor ? { ...identity, serverUrl: serverUrlFor(identity) } : identity, fetch, now, requestTimeoutMs),
    // One pass: a retry is recorded, its timer never fires (destroy below).
    setTimer: () => NO_TIMER,
    clearTimer: () => undefined,
    onEvent: (e) => {
      if (e.type === 'sent') result.sent += e.count;
      else if (e.type === 'dropped') {
        result.dropped += e.items.length;
        log.warn(`outbox: dropped ${e.items.length} report(s): ${e.reason}`);
      } else result.stopped = e.reason;
    },
  });
  try {
    await outbox.flush();
  } catch (err) {
    result.stopped = String(err);
    log.error('outbox flush failed', err);
  } finally {
    outbox.destroy();
  }
  result.pending = state.outboxLoad('reports').length;
  return result;
}
