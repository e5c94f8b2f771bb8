/**
 * How the PostgreSQL store talks to the server: a bounded `pg` pool, bigint columns read as
 * numbers, and one transaction helper that retries a transaction whose connection was lost
 * (or that PostgreSQL aborted for a deadlock or a serialisation failure) — but only when the
 * failure came before COMMIT was sent, so nothing is ever acknowledged that was not committed.
 * A failure during COMMIT itself is "in doubt" and surfaces to the caller (whose retry is then
 * answered from the idempotency tables: report ids, unique logins and credentials).
 */
import pg from 'pg';

/** Options of the pool. */
export interface PgPoolOptions {
  /** postgres://user@host:port/db (libpq URL). */
  url: string;
  /** Connections at most (bounded; callers beyond it queue). */
  max: number;
  /** Schema every connection uses (created if missing); default `public`. */
  schema?: string;
  /** How long a caller waits for a free connection before failing, ms. */
  connectTimeoutMs?: number;
}

// int8 (COUNT(*), BIGINT columns) as JS numbers: every value we store is an epoch millisecond
// or a count, far below 2^53. Per pool, so other users of `pg` in the process are unaffected.
const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** A schema name safe to splice into SQL (we only ever generate these ourselves). */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`postgres store: bad schema name ${JSON.stringify(schema)}`);
  return schema;
}

/** Open a bounded pool whose connections use `schema`. */
export function openPool(opts: PgPoolOptions): pg.Pool {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
    // The search path is a startup parameter, so every connection of the pool has it from the start.
    options: `-c search_path=${schema}`,
    application_name: 'resume-anywhere',
  });
  // An idle connection that dies (server restart, network) must not crash the process: the pool
  // drops it and the next checkout opens a new one.
  pool.on('error', () => {});
  return pool;
}

/** SQLSTATEs after which the whole transaction can be safely run again. */
const RETRYABLE_SQLSTATE = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const RETRYABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** True when `err` means the connection or the transaction was lost, not that the SQL was wrong. */
export function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && (RETRYABLE_SQLSTATE.has(e.code) || RETRYABLE_ERRNO.has(e.code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '');
}

/** Thrown when the connection was lost while COMMIT was in flight: the outcome is unknown. */
export class CommitInDoubtError extends Error {
  /** A stable code for callers and logs. */
  readonly code = 'STORE_COMMIT_IN_DOUBT';
  override readonly name = 'CommitInDoubtError';
}

/** A client inside a transaction. */
export type Tx = pg.PoolClient;

/** Attempts per transaction (the first included) before a lost connection is reported. */
const ATTEMPTS = 5;

/**
 * Run `fn` in a transaction on one pooled connection. Retried from the start (with a short
 * backoff) when the connection is lost or PostgreSQL aborts the transaction for a deadlock or
 * serialisation failure before COMMIT; `fn` must therefore only have effects through `tx`.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient | null = null;
    let committing = false;
    try {
      client = await pool.connect();
      await client.query('BEGIN');
      const result = await fn(client);
      committing = true;
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      const broken = isRetryable(err);
      if (client) {
        if (!committing && !broken) await client.query('ROLLBACK').catch(() => {});
        // A broken connection is destroyed rather than returned to the pool.
        client.release(broken ? (err as Error) : undefined);
      }
      if (committing && broken) {
        throw new CommitInDoubtError(`postgres store: connection lost during COMMIT (${(err as Error).message})`, { cause: err });
      }
      if (!broken || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** One statement outside a transaction, retried like a transaction when the connection is lost. */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<R>(sql, params);
    } catch (err) {
      // A single statement is its own transaction. Reads are simply repeated. For a write whose
      // commit was lost with the connection, the repeat sees its own effect: upserts and
      // conditional updates land where they would have, and an insert reports a conflict (an
      // error or `false` to the caller) — never a success that was not committed.
      if (!isRetryable(err) || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** A unit of work waiting for the next group commit. */
interface GroupJob {
  run: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of report writes (as the SQLite store does, sqlite-commit.ts): calls that arrive
 * while a group is being committed wait and go together in the next transaction, so under load
 * many reports share one COMMIT (one WAL flush) instead of paying one each — measured on this
 * machine's disk, a commit's flush is what a report costs. No caller is answered before its
 * group's COMMIT returned. When one call of a group faults, the group is rolled back and each
 * call is run again alone, so a faulty call changes nothing and fails only itself.
 */
export function pgGroupCommitter(pool: pg.Pool) {
  let queue: GroupJob[] = [];
  let running = false;

  async function runGroup(): Promise<void> {
    const jobs = queue;
    queue = [];
    if (jobs.length > 1) {
      try {
        const values = await inTransaction(pool, async (tx) => {
          const out: unknown[] = [];
          for (const job of jobs) out.push(await job.run(tx));
          return out;
        });
        jobs.forEach((job, i) => job.resolve(values[i]));
        return;
      } catch (err) {
        if (err instanceof CommitInDoubtError || isRetryable(err)) {
          for (const job of jobs) job.reject(err);
          return;
        }
        // One call faulted: fall through and run each alone.
      }
    }
    for (const job of jobs) await inTransaction(pool, job.run).then(job.resolve, job.reject);
  }

  function kick(): void {
    if (running || queue.length === 0) return;
    running = true;
    setImmediate(() => {
      void runGroup().finally(() => {
        running = false;
        kick();
      });
    });
  }

  return {
    /** Run `fn` in the next group transaction; settles after its COMMIT (or failure). */
    submit<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
        kick();
      });
    },
  };
}
