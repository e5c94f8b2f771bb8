/**
 * How the SQLite store commits: one transaction helper, group commit (report batches arriving
 * in the same event-loop turn share one transaction, each batch in its own savepoint so it
 * stays all-or-none, every caller answered only after COMMIT), and a background checkpointer
 * thread so WAL checkpoints' fsyncs do not stall the event loop. Split from sqlite.ts.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** Pages the store's own connection lets the WAL reach before checkpointing inline (backstop). */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

// The checkpointer thread (CommonJS, evaluated): its own connection, PASSIVE checkpoints on a timer.
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA synchronous = ' + workerData.synchronous);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints off the event loop. A checkpoint copies committed pages from the WAL into the
 * database file and fsyncs it; inline (SQLite's default: whichever commit crosses 1000 pages)
 * it stalls that commit, and every request behind it, for milliseconds to tens of
 * milliseconds. Here a worker thread with its own connection runs PASSIVE checkpoints (which
 * never block writers or readers) every `intervalMs`; the store's connection keeps a much
 * higher inline threshold as a backstop, so the WAL stays bounded if the thread falls behind.
 * Durability is unchanged: a commit is in the WAL before it returns either way; only which
 * thread copies it into the main file changes. Started on the first write; `stop` before close.
 */
export function startCheckpointer(db: DatabaseSync, file: string, synchronous: 'NORMAL' | 'FULL', intervalMs = 100) {
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file, synchronous, intervalMs } });
  db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  // A failed checkpointer only means the backstop checkpoints inline, as SQLite would by default.
  worker.on('error', () => db.isOpen && db.exec('PRAGMA wal_autocheckpoint = 1000'));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop(): Promise<void> {
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Run `fn` in a write transaction, rolling back on any throw. Exported for tests. */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  // IMMEDIATE takes the write lock up front: no read-then-upgrade deadlock between processes.
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** A unit of work waiting for the next group commit. */
interface GroupJob<T> {
  run: () => T;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of report writes. Calls that arrive while the event loop is busy with other
 * requests (the same turn of the loop) are applied in one transaction, each call in its own
 * savepoint — so each call stays all-or-none and a faulty call changes nothing — and committed
 * once; no caller's promise settles before that COMMIT returned, so nothing is acknowledged
 * before it is durable. A lone call runs exactly as `inTransaction` would. Why: a commit is
 * the dominant cost of a small report (WAL frames, checkpoints, and with synchronous=FULL an
 * fsync), and under load many reports are waiting at once. Exported for tests.
 */
export function groupCommitter(db: DatabaseSync, beforeFirstWrite: () => void = () => {}) {
  let queue: GroupJob<unknown>[] = [];
  let scheduled: NodeJS.Immediate | null = null;

  function flush(): void {
    if (scheduled) clearImmediate(scheduled);
    scheduled = null;
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    beforeFirstWrite();
    if (jobs.length === 1) {
      const job = jobs[0] as GroupJob<unknown>;
      let value: unknown;
      try {
        value = inTransaction(db, job.run);
      } catch (err) {
        job.reject(err);
        return;
      }
      job.resolve(value);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      inTransaction(db, () => {
        for (const job of jobs) {
          db.exec('SAVEPOINT group_job');
          try {
            const value = job.run();
            db.exec('RELEASE group_job');
            outcomes.push({ ok: true, value });
          } catch (error) {
            // SQLite itself rolled the whole transaction back (I/O error, full disk): the group fails.
            if (!db.isTransaction) throw error;
            db.exec('ROLLBACK TO group_job');
            db.exec('RELEASE group_job');
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i] as (typeof outcomes)[number];
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }

  return {
    /** Run `fn` in the next group transaction; settles after its COMMIT (or rollback). */
    submit<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
        // setImmediate: after every request the loop has already read this turn.
        scheduled ??= setImmediate(flush);
      });
    },
    /** Commit whatever is waiting now (before closing). */
    flush,
  };
}
