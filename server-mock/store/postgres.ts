/**
 * The PostgreSQL store: global's state in a PostgreSQL database, for several global instances
 * behind a load balancer (one process per instance, each with its own bounded pool). Same
 * schema (the same `MIGRATIONS`, replayed transactionally under an advisory lock so two
 * instances starting together migrate once), same behaviour (`conformance.ts`).
 *
 * The decision rule: a report's `decide` runs inside the transaction that writes its outcome,
 * holding the record's lock — a transaction-scoped advisory lock on the record's key (which
 * also covers a record that does not exist yet) and `SELECT … FOR UPDATE` on its row — so
 * concurrent reports of one record are serialised across every instance.
 *
 * The catalogue is cached per instance and dropped on `NOTIFY` from whichever instance changed
 * it (and whenever the LISTEN connection was lost, as a notification may have been missed).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Program, TerminalType } from '../../common/protocol/model.ts';
import type { StoredPoint } from '../../common/resume.ts';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL, checkApplied, checkMigrations, type Migration } from './migrations.ts';
import { pgAccountMethods, toTerminal, type DbTerminal } from './postgres-accounts.ts';
import { pgPinMethods } from './postgres-pins.ts';
import { pgHandoffMethods } from './postgres-handoffs.ts';
import { openListener, type Listener, channelName } from './postgres-listen.ts';
import { checkSchemaName, inTransaction, openPool, pgGroupCommitter, query, type Tx } from './postgres-pool.ts';
import { decodeBreakpoint, decodeTracks, encodeBreakpoint, toHistory, type DbHistory } from './rows.ts';
import { mergeTracks } from '../../common/tracks.ts';
import type { ApplyReportInput, ApplyReportResult, HistoryRow, LabelledHistoryRow, Store } from './types.ts';

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** postgres://… URL of the database. */
  url: string;
  /** Schema to use (created if missing); default `public`. Tests use one schema each. */
  schema?: string;
  /** Pool size per instance (bounded); default 10. */
  poolSize?: number;
}

/** A Store that is also a PostgreSQL connection owner (for fan-out between instances). */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  /** The LISTEN/NOTIFY connection of this instance. */
  readonly listener: Listener;
  /** Send a notification on `channel` (≤ MAX_NOTIFY_BYTES; ids, not records). */
  notify(channel: string, payload: string): Promise<void>;
  /** One record with its terminal's name (what a fan-out delivers), or null. */
  getHistoryRecord(userId: string, terminalId: string, profileId: string | null, programId: string): Promise<LabelledHistoryRow | null>;
  /** Run `fn` only if no other instance holds the named lock now; null when one does. */
  withExclusiveLock<T>(name: string, fn: () => Promise<T>): Promise<T | null>;
}

/** Advisory-lock key of the migration step (any fixed 64-bit number of ours). */
const MIGRATION_LOCK = 0x7261_6d69;

/** A stable signed 64-bit key for advisory locks. */
export function lockKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest().readBigInt64BE(0).toString();
}

/** Open (creating the schema and migrating if needed) the PostgreSQL store. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const pool = openPool({ url: opts.url, max: opts.poolSize ?? 10, schema });
  try {
    await migratePostgres(pool, schema);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const listener = await openListener(opts.url, schema);
  return buildStore(pool, listener, schema);
}

/** Apply missing migrations, each in its own transaction, all under one advisory lock. */
export async function migratePostgres(pool: pg.Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  checkMigrations(migrations);
  return inTransaction(pool, async (tx) => {
    // One transaction for the whole upgrade: PostgreSQL has transactional DDL, so a failed
    // step leaves the database exactly as it was; the lock keeps a second instance waiting.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(SCHEMA_MIGRATIONS_DDL);
    const read = async () => (await tx.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
    const applied = await read();
    checkApplied(applied, migrations);
    for (const m of migrations) {
      if (applied.some((a) => a.version === m.version)) continue;
      await tx.query(`SAVEPOINT m${m.version}`);
      await tx.query(m.postgres ?? m.up);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      await tx.query(`RELEASE m${m.version}`);
    }
    return (await read()).reduce((max, a) => Math.max(max, a.version), 0);
  });
}

const HISTORY_COLUMNS = `h.terminal_id, h.program_id, h.user_id, h.terminal_type, h.breakpoint_kind,
  h.breakpoint_value, h.duration_ms, h.seq, h.progress_at, h.updated_at, h.status, h.last_event, h.play_token, h.profile_id, h.tracks`;

type DbPoint = Pick<DbHistory, 'user_id' | 'breakpoint_kind' | 'breakpoint_value' | 'seq' | 'progress_at' | 'play_token' | 'tracks'>;

interface Catalogue {
  all: readonly Program[];
  byId: Map<string, Program>;
  byType: Map<TerminalType, readonly Program[]>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** One report inside the caller's transaction. */
async function applyOne(tx: Tx, input: ApplyReportInput): Promise<ApplyReportResult> {
  const remembered = await tx.query(
    `INSERT INTO history_reports (user_id, report_id, received_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, report_id) DO NOTHING`, [input.userId, input.reportId, input.now]);
  if (remembered.rowCount === 0) return { outcome: 'duplicate', row: null };
  // The record's lock: held to COMMIT, taken even when the row does not exist yet.
  await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey('history', input.terminalId, input.profileId, input.programId)]);
  const cur = (await tx.query<DbPoint>(
    `SELECT user_id, breakpoint_kind, breakpoint_value, seq, progress_at, play_token, tracks FROM history
     WHERE terminal_id = $1 AND profile_id = $2 AND program_id = $3 FOR UPDATE`,
    [input.terminalId, input.profileId, input.programId])).rows[0];
  if (cur && cur.user_id !== input.userId) {
    throw new Error(`postgres store: terminal ${input.terminalId} does not belong to user ${input.userId}`);
  }
  const stored: StoredPoint | null = cur
    ? { seq: cur.seq, breakpoint: decodeBreakpoint(cur.breakpoint_kind, cur.breakpoint_value), progressAt: cur.progress_at }
    : null;
  const decision = input.decide(stored);
  if (decision.outcome === 'stale') return { outcome: 'stale', row: null };
  const { next } = decision;
  const row: HistoryRow = {
    userId: input.userId, profileId: input.profileId, terminalId: input.terminalId, terminalType: input.terminalType,
    programId: input.programId, breakpoint: next.breakpoint, durationMs: input.durationMs, seq: next.seq,
    progressAt: next.progressAt, updatedAt: input.now, status: input.statusOf(next.breakpoint),
    lastEvent: input.event, playToken: input.playToken ?? cur?.play_token ?? null,
  };
  // The track choice, field by field over the stored one (a report without it changes nothing).
  const storedTracks = decodeTracks(cur?.tracks ?? null);
  const tracks = input.tracks ? mergeTracks(storedTracks, input.tracks) : storedTracks;
  if (tracks) row.tracks = tracks;
  const [kind, value] = encodeBreakpoint(row.breakpoint);
  await tx.query(
    `INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind,
        breakpoint_value, duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
      ON CONFLICT (terminal_id, profile_id, program_id) DO UPDATE SET
        terminal_type = excluded.terminal_type, breakpoint_kind = excluded.breakpoint_kind,
        breakpoint_value = excluded.breakpoint_value, duration_ms = excluded.duration_ms, seq = excluded.seq,
        progress_at = excluded.progress_at, updated_at = excluded.updated_at, status = excluded.status,
        last_event = excluded.last_event, play_token = excluded.play_token, tracks = excluded.tracks`,
    [row.terminalId, row.programId, row.userId, row.terminalType, kind, value, row.durationMs, row.seq,
      row.progressAt, row.updatedAt, row.status, row.lastEvent, row.playToken, row.profileId, tracks ? JSON.stringify(tracks) : null]);
  return { outcome: decision.outcome, row };
}

function buildStore(pool: pg.Pool, listener: Listener, schema: string): PostgresStore {
  const q = <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => query<R>(pool, sql, params);
  const tx = <T>(fn: (t: Tx) => Promise<T>) => inTransaction(pool, fn);
  const group = pgGroupCommitter(pool);
  let closed = false;

  // Catalogue cache: valid only while the LISTEN connection is up and no change was announced.
  let catalogue: Catalogue | null = null;
  let generation = 0;
  const drop = () => {
    catalogue = null;
    generation++;
  };
  listener.subscribe('catalogue', { onMessage: drop, onResync: drop });
  async function currentCatalogue(): Promise<Catalogue> {
    if (catalogue && listener.connected) return catalogue;
    const gen = generation;
    // COLLATE "C": byte-wise title order, as SQLite sorts.
    const rows = (await q<{ doc: string }>('SELECT doc FROM programs WHERE withdrawn_at IS NULL ORDER BY title COLLATE "C", id COLLATE "C"')).rows;
    const list = rows.map((r) => deepFreeze(JSON.parse(r.doc) as Program));
    const cat: Catalogue = { all: Object.freeze(list), byId: new Map(list.map((p) => [p.id, p])), byType: new Map() };
    // Keep it only if nothing changed while we read and the invalidation channel is listening.
    if (gen === generation && listener.connected) catalogue = cat;
    return cat;
  }
  const announceCatalogue = (t: Tx) => t.query('SELECT pg_notify($1, $2)', [channelName(schema, 'catalogue'), '']);

  const store: PostgresStore = {
    ...pgAccountMethods(q, tx),
    ...pgPinMethods(q, tx),
    ...pgHandoffMethods(q),
    kind: 'postgres',
    listener,

    async createTerminal(t) {
      await q(`INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, profile_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM profiles WHERE id = $8 AND user_id = $2))`,
      [t.id, t.userId, t.name, t.type, t.credentialHash, t.createdAt, t.lastSeenAt, t.profileId]);
    },
    async getTerminal(id) {
      const r = (await q<DbTerminal>('SELECT * FROM terminals WHERE id = $1', [id])).rows[0];
      return r ? toTerminal(r) : null;
    },
    async findTerminalByCredential(hash) {
      const r = (await q<DbTerminal>('SELECT * FROM terminals WHERE credential_hash = $1 AND revoked_at IS NULL', [hash])).rows[0];
      return r ? toTerminal(r) : null;
    },
    async listTerminals(userId) {
      return (await q<DbTerminal>('SELECT * FROM terminals WHERE user_id = $1 ORDER BY created_at, id COLLATE "C"', [userId])).rows.map(toTerminal);
    },
    async renameTerminal(userId, terminalId, name) {
      return (await q('UPDATE terminals SET name = $1 WHERE id = $2 AND user_id = $3', [name, terminalId, userId])).rowCount === 1;
    },
    async setTerminalType(userId, terminalId, type) {
      return (await q('UPDATE terminals SET type = $1 WHERE id = $2 AND user_id = $3', [type, terminalId, userId])).rowCount === 1;
    },
    async touchTerminal(terminalId, at) {
      await q('UPDATE terminals SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $1)', [at, terminalId]);
    },

    async upsertPrograms(programs) {
      const now = Date.now();
      await tx(async (t) => {
        for (const prog of programs) {
          await t.query(`INSERT INTO programs (id, doc, title, kind, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, title = excluded.title, kind = excluded.kind,
              updated_at = excluded.updated_at, withdrawn_at = NULL`, [prog.id, JSON.stringify(prog), prog.title, prog.kind, now]);
          await t.query('DELETE FROM program_terminal_types WHERE program_id = $1', [prog.id]);
          for (const type of prog.terminalTypes) {
            await t.query('INSERT INTO program_terminal_types (program_id, terminal_type) VALUES ($1, $2)', [prog.id, type]);
          }
        }
        await announceCatalogue(t);
      });
      drop();
    },
    async getProgram(id) {
      return (await currentCatalogue()).byId.get(id) ?? null;
    },
    async listPrograms(terminalType) {
      const cat = await currentCatalogue();
      if (terminalType === undefined) return cat.all as Program[];
      const cached = cat.byType.get(terminalType);
      if (cached) return cached as Program[];
      const list = cat.all.filter((p) => p.terminalTypes.includes(terminalType));
      cat.byType.set(terminalType, Object.freeze(list));
      return list;
    },
    async deleteProgram(id) {
      const deleted = await tx(async (t) => {
        const n = (await t.query('DELETE FROM programs WHERE id = $1', [id])).rowCount === 1;
        if (n) await announceCatalogue(t);
        return n;
      });
      drop();
      return deleted;
    },
    async withdrawProgram(id, at) {
      const found = await tx(async (t) => {
        const n = (await t.query('UPDATE programs SET withdrawn_at = COALESCE(withdrawn_at, $1) WHERE id = $2', [at, id])).rowCount === 1;
        if (n) await announceCatalogue(t);
        return n;
      });
      drop();
      return found;
    },
    async listWithdrawn() {
      const rows = (await q<{ id: string; withdrawn_at: string | number }>('SELECT id, withdrawn_at FROM programs WHERE withdrawn_at IS NOT NULL ORDER BY id COLLATE "C"')).rows;
      return rows.map((r) => ({ id: r.id, withdrawnAt: Number(r.withdrawn_at) }));
    },
    async countPrograms() {
      return (await q<{ n: number }>('SELECT COUNT(*) AS n FROM programs')).rows[0]?.n ?? 0;
    },

    async applyReport(input) {
      return group.submit((t) => applyOne(t, input));
    },
    async applyReports(inputs) {
      if (inputs.length === 0) return [];
      // One commit for the batch, shared with concurrent batches (pgGroupCommitter).
      return group.submit(async (t) => {
        const out: ApplyReportResult[] = [];
        for (const input of inputs) out.push(await applyOne(t, input));
        return out;
      });
    },
    async listHistory(userId, profileId = null): Promise<LabelledHistoryRow[]> {
      const sql = `SELECT ${HISTORY_COLUMNS}, t.name AS terminal_name FROM history h
        JOIN terminals t ON t.id = h.terminal_id AND t.user_id = h.user_id WHERE h.user_id = $1`;
      const rows = profileId === null
        ? (await q<DbHistory & { terminal_name: string }>(sql, [userId])).rows
        : (await q<DbHistory & { terminal_name: string }>(`${sql} AND h.profile_id = $2`, [userId, profileId])).rows;
      return rows.map((r) => ({ ...toHistory(r), terminalName: r.terminal_name }));
    },
    async getHistoryRecord(userId, terminalId, profileId, programId) {
      // The fan-out's read-back: by the record's key, not the user's whole history.
      const r = (await q<DbHistory & { terminal_name: string }>(`SELECT ${HISTORY_COLUMNS}, t.name AS terminal_name FROM history h
        JOIN terminals t ON t.id = h.terminal_id AND t.user_id = h.user_id
        WHERE h.user_id = $1 AND h.terminal_id = $2 AND h.program_id = $3 AND ($4::text IS NULL OR h.profile_id = $4)
        ORDER BY h.updated_at DESC LIMIT 1`, [userId, terminalId, programId, profileId])).rows[0];
      return r ? { ...toHistory(r), terminalName: r.terminal_name } : null;
    },
    async hideProgram(userId, profileId, programId, at) {
      await q(`INSERT INTO hidden_programs (user_id, profile_id, program_id, hidden_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (user_id, profile_id, program_id) DO UPDATE SET hidden_at = excluded.hidden_at`, [userId, profileId, programId, at]);
    },
    async listHidden(userId, profileId = null) {
      const rows = profileId === null
        ? (await q<{ program_id: string; hidden_at: number }>(`SELECT program_id, MAX(hidden_at) AS hidden_at FROM hidden_programs
            WHERE user_id = $1 GROUP BY program_id ORDER BY program_id COLLATE "C"`, [userId])).rows
        : (await q<{ program_id: string; hidden_at: number }>(`SELECT program_id, hidden_at FROM hidden_programs
            WHERE user_id = $1 AND profile_id = $2 ORDER BY program_id COLLATE "C"`, [userId, profileId])).rows;
      return rows.map((r) => ({ programId: r.program_id, hiddenAt: r.hidden_at }));
    },
    async deleteOlderThan(cutoff) {
      return tx(async (t) => ({
        records: (await t.query('DELETE FROM history WHERE updated_at < $1', [cutoff])).rowCount ?? 0,
        reports: (await t.query('DELETE FROM history_reports WHERE received_at < $1', [cutoff])).rowCount ?? 0,
        // After the records, so a programme whose last record aged out now goes in the same run.
        programs: (await t.query(`DELETE FROM programs WHERE withdrawn_at < $1
          AND NOT EXISTS (SELECT 1 FROM history h WHERE h.program_id = programs.id)`, [cutoff])).rowCount ?? 0,
      }));
    },

    async notify(channel, payload) {
      await q('SELECT pg_notify($1, $2)', [channelName(schema, channel), payload]);
    },
    async withExclusiveLock(name, fn) {
      // A session-level try-lock on one pooled connection, held for `fn` and released after.
      const client = await pool.connect();
      try {
        const got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockKey('job', name)])).rows[0]?.ok;
        if (!got) return null;
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [lockKey('job', name)]).catch(() => {});
        }
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
      await pool.end();
    },
  };
  return store;
}
