/**
 * The terminal's report outbox: breakpoints observed while the streaming server could not be
 * reached (offline, its session gone) wait here, persisted through the PlatformBridge, and are
 * uploaded in order through `POST /api/v1/history/sync` when the network is back. The engine
 * is common/outbox.ts (shared with the Electron app and the streaming cluster); this file is
 * the storage port over the bridge and the mapping of the server's answers to outcomes.
 *
 * Each report carries its own `seq` from the bridge, so the server orders them per terminal
 * and a replay after a lost reply is a no-op (idempotent by reportId).
 */
import { Check } from 'typebox/value';
import { Outbox, outcomeOfFailure as policy, type OutboxEvent, type OutboxStorage, type SendOutcome } from '../../common/outbox.ts';
import type { OutboxName, PlatformBridge } from '../../common/platform.ts';
import { RejectedReports, TerminalReport } from '../../common/protocol/api.ts';
import { ApiError, type Api } from './api/http.ts';

const NAME: OutboxName = 'reports';

/** A storage port over the bridge; entries that fail the schema (corrupt) are dropped on load. */
export function bridgeStorage(bridge: Pick<PlatformBridge, 'outboxLoad' | 'outboxAppend' | 'outboxRemove'>): OutboxStorage<TerminalReport> {
  return {
    async load() {
      const entries = await bridge.outboxLoad(NAME);
      const bad = entries.filter((e) => !Check(TerminalReport, e.item)).map((e) => e.seq);
      if (bad.length > 0) await bridge.outboxRemove(NAME, bad);
      return entries.filter((e) => Check(TerminalReport, e.item)) as { seq: number; item: TerminalReport }[];
    },
    append: (entry) => bridge.outboxAppend(NAME, entry),
    remove: (seqs) => bridge.outboxRemove(NAME, [...seqs]),
  };
}

/** What an upload's failure means for the batch: the common policy (common/outbox.ts). */
export function outcomeOfFailure(err: unknown, batchSize: number): SendOutcome {
  if (!(err instanceof ApiError)) return { kind: 'retry', reason: String(err) };
  // Status 0: no answer came (offline, timeout).
  if (err.status === 0 || err.severity === 'recoverable') return { kind: 'retry', reason: err.code };
  const details = err.details;
  const named = Check(RejectedReports, details) ? details.rejected.map((r) => r.index) : null;
  return policy({ status: err.status, code: err.code, rejectedIndexes: named }, batchSize);
}

/** The queue the player and the app use. */
export interface ReportQueue {
  /** Persist a report (resolves once stored), then try to send. */
  enqueue(report: TerminalReport): Promise<void>;
  /** Send now, skipping any backoff wait. */
  flush(): Promise<void>;
  /** Reports waiting. */
  pending(): number;
  /** The waiting reports, oldest first. */
  items(): Promise<TerminalReport[]>;
  /** Stop timers; what is stored stays. */
  destroy(): void;
}

/** Dependencies of the report outbox. */
export interface ReportOutboxDeps {
  bridge: Pick<PlatformBridge, 'outboxLoad' | 'outboxAppend' | 'outboxRemove'>;
  api: Pick<Api, 'sync'>;
  /** The device clock (sent as `sentAt`, so the server can undo its skew). */
  now?: () => number;
  /** Told the number of waiting reports whenever it may have changed. */
  onPending?: (pending: number) => void;
  onEvent?: (event: OutboxEvent<TerminalReport>) => void;
  retryBaseMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Create the outbox over the bridge; stored reports go out as soon as the server answers. */
export function createReportOutbox(deps: ReportOutboxDeps): ReportQueue {
  const now = deps.now ?? Date.now;
  const outbox: Outbox<TerminalReport> = new Outbox<TerminalReport>({
    storage: bridgeStorage(deps.bridge),
    batchSize: 100,
    retryBaseMs: deps.retryBaseMs ?? 2_000,
    retryMaxMs: 60_000,
    ...(deps.setTimer ? { setTimer: deps.setTimer } : {}),
    ...(deps.clearTimer ? { clearTimer: deps.clearTimer } : {}),
    send: async (reports) => {
      try {
        await deps.api.sync({ sentAt: now(), reports: [...reports] });
        return { kind: 'ok' };
      } catch (err) {
        return outcomeOfFailure(err, reports.length);
      }
    },
    onEvent: (event) => {
      deps.onEvent?.(event);
      deps.onPending?.(outbox.pending);
    },
  });
  // Report what survived the last run once it is loaded.
  void outbox.items().then(() => deps.onPending?.(outbox.pending));
  return {
    async enqueue(report) {
      await outbox.enqueue(report);
      deps.onPending?.(outbox.pending);
    },
    async flush() {
      await outbox.flush();
      deps.onPending?.(outbox.pending);
    },
    pending: () => outbox.pending,
    items: () => outbox.items(),
    destroy: () => outbox.destroy(),
  };
}
