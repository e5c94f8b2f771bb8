/**
 * The cluster's reports to global (patent ms2 / ms4), durable: every report goes into an
 * outbox kept in a SQLite file before the terminal's request is answered, and is sent from
 * there with retries, so a global outage delays reports but loses none. Report ids are
 * derived from the session and the terminal's sequence number, so a resend is a duplicate.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { AppError } from '../../common/errors.ts';
import { Outbox, outcomeOfFailure, type OutboxEntry, type OutboxStorage, type SendOutcome } from '../../common/outbox.ts';
import type { ClusterReport, RejectedReports } from '../../common/protocol/api.ts';
import type { GlobalClient } from '../global-client.ts';
import type { SessionReport } from './sessions.ts';

/** Outbox storage in a SQLite file (one row per pending report). */
export class SqliteOutboxStorage<T> implements OutboxStorage<T> {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #delete: StatementSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.#db.exec('CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, item TEXT NOT NULL)');
    // Prepared once: preparing per report was ~half the cost of its append (profile of bench/heartbeat.ts).
    this.#insert = this.#db.prepare('INSERT INTO outbox (seq, item) VALUES (?, ?)');
    this.#delete = this.#db.prepare('DELETE FROM outbox WHERE seq = ?');
  }

  async load(): Promise<OutboxEntry<T>[]> {
    const rows = this.#db.prepare('SELECT seq, item FROM outbox ORDER BY seq').all() as { seq: number; item: string }[];
    return rows.map((r) => ({ seq: r.seq, item: JSON.parse(r.item) as T }));
  }

  async append(entry: OutboxEntry<T>): Promise<void> {
    this.#insert.run(entry.seq, JSON.stringify(entry.item));
  }

  /** Several entries in one transaction (one WAL commit for a turn's reports). */
  async appendMany(entries: readonly OutboxEntry<T>[]): Promise<void> {
    if (entries.length === 1) return this.append(entries[0] as OutboxEntry<T>);
    this.#db.exec('BEGIN');
    try {
      for (const e of entries) this.#insert.run(e.seq, JSON.stringify(e.item));
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  async remove(seqs: readonly number[]): Promise<void> {
    this.#db.exec('BEGIN');
    try {
      for (const s of seqs) this.#delete.run(s);
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Close the file. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Map a send failure to an outbox outcome by the common policy (common/outbox.ts): a body
 * too large for global is split, only reports global names are dropped, the rest is retried.
 */
export function outcomeOf(err: unknown, batchSize: number): SendOutcome {
  if (!(err instanceof AppError)) return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
  const rejected = (err.details as RejectedReports | undefined)?.rejected;
  return outcomeOfFailure({ status: err.status, code: err.code, rejectedIndexes: rejected?.map((r) => r.index) ?? null }, batchSize);
}

/** Build the wire report of a session event. */
export function toClusterReport(r: SessionReport, now: number): ClusterReport {
  const { session, event } = r;
  const report: ClusterReport = {
    // Same session + seq → same id: a retried stop, or a timeout after an already-sent
    // heartbeat, is a duplicate at global rather than a second write.
    reportId: `${session.id}.${session.seq}`,
    terminalId: session.terminalId,
    programId: session.program.id,
    breakpoint: session.position,
    seq: session.seq,
    event,
    observedAt: Math.min(session.lastSeenAt, now),
    playToken: session.playToken,
  };
  if (session.resumedFrom) report.resumedFrom = session.resumedFrom;
  if (session.profileId) report.profileId = session.profileId;
  if (session.seekedBack) report.seekedBack = true;
  if (session.tracks) report.tracks = session.tracks;
  return report;
}

/** Options of the reporter. */
export interface ReporterOptions {
  client: GlobalClient;
  /** SQLite file of the outbox (':memory:' for tests that accept losing it). */
  file: string;
  log: { warn: (obj: object, msg: string) => void };
  retryBaseMs?: number;
  retryMaxMs?: number;
  now?: () => number;
  /** Batch the outbox's appends per event-loop turn (default true; false: one write per report). */
  batchAppends?: boolean;
}

/** The durable reporter of one cluster. */
export class Reporter {
  readonly #storage: SqliteOutboxStorage<ClusterReport>;
  readonly #outbox: Outbox<ClusterReport>;
  readonly #now: () => number;
  #queued = 0;

  constructor(o: ReporterOptions) {
    this.#now = o.now ?? Date.now;
    this.#storage = new SqliteOutboxStorage<ClusterReport>(o.file);
    this.#outbox = new Outbox<ClusterReport>({
      storage: this.#storage,
      batchSize: 200,
      retryBaseMs: o.retryBaseMs ?? 500,
      retryMaxMs: o.retryMaxMs ?? 30_000,
      // The reports of one event-loop turn (many heartbeats under load) in one transaction.
      batchAppends: o.batchAppends === false ? undefined : (fn) => setImmediate(fn),
      send: async (reports) => {
        try {
          await o.client.report({ sentAt: this.#now(), reports: [...reports] });
          return { kind: 'ok' };
        } catch (err) {
          return outcomeOf(err, reports.length);
        }
      },
      onEvent: (e) => {
        if (e.type === 'dropped') o.log.warn({ reason: e.reason, count: e.items.length }, 'global refused reports; dropped');
        if (e.type === 'retry') o.log.warn({ reason: e.reason, pending: e.pending, inMs: e.inMs }, 'global unreachable; will retry');
      },
    });
  }

  /** Queue a session event durably (resolves once stored, not once sent). */
  report(r: SessionReport): Promise<void> {
    this.#queued++;
    return this.#outbox.enqueue(toClusterReport(r, this.#now()));
  }

  /** Reports queued since this reporter started (benchmarks: reports per heartbeat). */
  get queued(): number {
    return this.#queued;
  }

  /** Reports not yet accepted by global. */
  get pending(): number {
    return this.#outbox.pending;
  }

  /**
   * Wait (at most `maxWaitMs`) until every report queued so far has reached global, or global
   * turned out unreachable. The stop's answer waits for it, so a terminal that stopped and
   * then reads its home page (or any other terminal of the account) finds the stop there: read
   * your own write, without making a stop depend on global being up.
   */
  settled(maxWaitMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
      timer.unref?.();
    });
    return Promise.race([this.#outbox.settled(), timeout]).finally(() => clearTimeout(timer));
  }

  /** Try to send now. */
  flush(): Promise<void> {
    return this.#outbox.flush();
  }

  /** Stop retrying and close the file (pending reports stay for the next start). */
  close(): void {
    this.#outbox.destroy();
    this.#storage.close();
  }
}
