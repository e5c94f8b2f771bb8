/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite` (no native module
 * to rebuild for Electron). Owned by one global process; other processes may open the same
 * file (WAL + busy timeout serialise writers), which the crash test relies on.
 *
 * `DatabaseSync` is synchronous, so each method runs to completion without yielding: within
 * one process, transactions cannot interleave. Across processes, every write transaction is
 * `BEGIN IMMEDIATE`, taking the write lock before the read that `decide` depends on, so two
 * writers can never both decide on the same stored row.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { groupCommitter, inTransaction, startCheckpointer } from './sqlite-commit.ts';

export { groupCommitter, inTransaction };
import { accountMethods } from './sqlite-accounts.ts';
import { decodeTracks, tracksOf } from './rows.ts';
import { deviceCodeMethods } from './sqlite-device.ts';
import { pinMethods } from './sqlite-pins.ts';
import { handoffMethods } from './sqlite-handoffs.ts';
import type { Breakpoint, Program, ProgressStatus, TerminalType } from '../../common/protocol/model.ts';
import { mergeTracks } from '../../common/tracks.ts';
import type { ReportEvent } from '../../common/protocol/api.ts';
import type { StoredPoint } from '../../common/resume.ts';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL, checkApplied, checkMigrations, type Migration } from './migrations.ts';
import type {
  ApplyReportInput,
  ApplyReportResult,
  HistoryRow,
  LabelledHistoryRow,
  Store,
  TerminalRow,
  UserRow,
  UserSessionRow,
} from './types.ts';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** Database file (parent directories are created), or `':memory:'`. */
  file: string;
  /**
   * NORMAL (default): in WAL mode a committed transaction is in the WAL file before COMMIT
   * returns, so it survives the process being killed (kill -9); only an OS crash or power
   * loss can drop the last few commits. FULL also fsyncs the WAL on every commit, surviving
   * power loss at the cost of one fsync per transaction.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** Cap the file at this many pages (a quota; SQLITE_FULL beyond it, as on a full disk). */
  maxPageCount?: number;
  /** Run the integrity check at open (default true; files over QUICK_CHECK_MAX_BYTES skip it). */
  check?: boolean;
  /** Page cache of the store's connection in MiB (default 64; measured in docs/BENCHMARKS.md). */
  cacheMiB?: number;
}

/** Files up to this size are checked (`PRAGMA quick_check`) at open: the check reads every page. */
export const QUICK_CHECK_MAX_BYTES = 1024 * 1024 * 1024;

// Raw row shapes as SQLite returns them (type aliases, so they are castable from records).
type DbUser = {
  id: string; login: string; display_name: string; password_hash: string; created_at: number; role: string; shared_history: number;
};
type DbSession = { token_hash: string; user_id: string; created_at: number; expires_at: number };
type DbTerminal = {
  id: string; user_id: string; name: string; type: string; credential_hash: string;
  created_at: number; last_seen_at: number | null; revoked_at: number | null; profile_id: string | null;
};
type DbHistory = {
  terminal_id: string; program_id: string; user_id: string; terminal_type: string;
  breakpoint_kind: string; breakpoint_value: number; duration_ms: number; seq: number;
  progress_at: number; updated_at: number; status: string; last_event: string; play_token: string | null;
  profile_id: string;
  tracks: string | null;
};
type DbPoint = Pick<DbHistory, 'user_id' | 'breakpoint_kind' | 'breakpoint_value' | 'seq' | 'progress_at' | 'play_token' | 'tracks'>;

/**
 * What a household's listing reads of each row: every column but the user (the one asked
 * for). Its terminals' names come from one read of its terminals, not a join per row:
 * node:sqlite's cost is per value it hands to JavaScript (~60 ns, and ~270 ns per row), and at
 * 200 records the join and the user column were a quarter of the read (measured 308 → 230 µs).
 */
const LISTED_COLUMNS = `terminal_id, program_id, terminal_type, breakpoint_kind, breakpoint_value, duration_ms, seq,
  progress_at, updated_at, status, last_event, play_token, profile_id, tracks`;

/** Open (creating and migrating if needed) the SQLite store at `opts.file`. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const memory = opts.file === ':memory:';
  if (!memory) mkdirSync(dirname(opts.file), { recursive: true });
  const db = new DatabaseSync(opts.file);
  try {
    configure(db, opts.synchronous ?? 'NORMAL', memory, opts.cacheMiB ?? 64);
    if (opts.maxPageCount) db.exec(`PRAGMA max_page_count = ${Math.floor(opts.maxPageCount)}`);
    // Bounded integrity check: a damaged file is refused at start rather than written into.
    if (!memory && opts.check !== false && statSync(opts.file).size <= QUICK_CHECK_MAX_BYTES) {
      const rows = db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[];
      if (rows[0]?.quick_check !== 'ok') throw new Error(`quick_check failed: ${rows.map((r) => r.quick_check).join('; ')}`);
    }
    migrateSqlite(db);
    return buildStore(db, memory ? null : { file: opts.file, synchronous: opts.synchronous ?? 'NORMAL' });
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Set the connection pragmas; throws when a file database cannot use WAL. */
function configure(db: DatabaseSync, synchronous: 'NORMAL' | 'FULL', memory: boolean, cacheMiB: number): void {
  // busy_timeout first, so that switching to WAL waits for another process's lock.
  db.exec('PRAGMA busy_timeout = 5000');
  const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string } | undefined;
  // The durability promise of `synchronous` above holds only in WAL; refuse silently weaker modes.
  if (!memory && mode?.journal_mode !== 'wal') {
    throw new Error(`sqlite store: could not enable WAL (journal_mode=${mode?.journal_mode ?? '?'})`);
  }
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  // Up to 64 MiB of page cache (SQLite's default is 2 MiB): with a big history, the B-tree pages
  // a report touches are otherwise read back from the OS on every request (measured: 12 → 4
  // preads per report at a million records). It grows only as pages are used.
  db.exec(`PRAGMA cache_size = -${Math.max(1, Math.floor(cacheMiB)) * 1024}`);
}

/**
 * Apply the migrations the database lacks, one transaction each; returns the resulting
 * version. Throws `SchemaVersionError` for a database newer than `migrations`.
 */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number {
  checkMigrations(migrations);
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const readApplied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied = () => readApplied.all() as { version: number; name: string }[];
  checkApplied(applied(), migrations); // refuse before writing anything
  for (const m of migrations) {
    inTransaction(db, () => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      const now = applied();
      checkApplied(now, migrations);
      if (now.some((a) => a.version === m.version)) return;
      db.exec(m.up);
      record.run(m.version, m.name, Date.now());
    });
  }
  return applied().reduce((max, a) => Math.max(max, a.version), 0);
}

function encodeBreakpoint(b: Breakpoint): [kind: string, value: number] {
  return b.kind === 'offset' ? ['offset', b.offsetMs] : ['wallclock', b.epochMs];
}

function decodeBreakpoint(kind: string, value: number): Breakpoint {
  if (kind === 'offset') return { kind: 'offset', offsetMs: value };
  if (kind === 'wallclock') return { kind: 'wallclock', epochMs: value };
  throw new Error(`sqlite store: unknown breakpoint kind ${kind}`);
}

function toUser(r: DbUser): UserRow {
  return {
    id: r.id, login: r.login, displayName: r.display_name, passwordHash: r.password_hash, createdAt: r.created_at,
    role: r.role === 'owner' ? 'owner' : 'member', sharedHistory: r.shared_history === 1,
  };
}

function toSession(r: DbSession): UserSessionRow {
  return { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
}

function toTerminal(r: DbTerminal): TerminalRow {
  return {
    id: r.id, userId: r.user_id, name: r.name, type: r.type as TerminalType,
    credentialHash: r.credential_hash, createdAt: r.created_at, lastSeenAt: r.last_seen_at, revokedAt: r.revoked_at,
    profileId: r.profile_id,
  };
}

function toHistory(r: DbHistory): HistoryRow {
  return {
    userId: r.user_id, terminalId: r.terminal_id, terminalType: r.terminal_type as TerminalType,
    programId: r.program_id, breakpoint: decodeBreakpoint(r.breakpoint_kind, r.breakpoint_value),
    durationMs: r.duration_ms, seq: r.seq, progressAt: r.progress_at, updatedAt: r.updated_at,
    status: r.status as ProgressStatus, lastEvent: r.last_event as ReportEvent, playToken: r.play_token,
    profileId: r.profile_id,
    ...tracksOf(r.tracks),
  };
}

/** A `listHistory` row as an array, in LISTED_COLUMNS order. */
type HistoryTuple = [
  terminalId: string, programId: string, terminalType: string, breakpointKind: string,
  breakpointValue: number, durationMs: number, seq: number, progressAt: number, updatedAt: number,
  status: string, lastEvent: string, playToken: string | null, profileId: string, tracks: string | null,
];

/** The same row as `{ ...toHistory(r), terminalName }`, from an array row of `userId`'s. */
function fromTuple(t: HistoryTuple, userId: string, terminalName: string): LabelledHistoryRow {
  return {
    userId, terminalId: t[0], terminalType: t[2] as TerminalType, programId: t[1],
    breakpoint: decodeBreakpoint(t[3], t[4]), durationMs: t[5], seq: t[6], progressAt: t[7], updatedAt: t[8],
    status: t[9] as ProgressStatus, lastEvent: t[10] as ReportEvent, playToken: t[11], profileId: t[12], ...tracksOf(t[13]),
    terminalName,
  };
}

/** The parsed catalogue of one data version (see `currentCatalogue`). */
interface Catalogue {
  version: number;
  /** Every programme, by title then id. */
  all: readonly Program[];
  byId: Map<string, Program>;
  /** Per terminal type, filled on first use. */
  byType: Map<TerminalType, readonly Program[]>;
}

/** Freeze an object graph (parsed JSON: plain objects and arrays). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every statement the store uses, prepared once per connection. */
function prepareAll(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    getUser: p('SELECT * FROM users WHERE id = ?'),
    userByLogin: p('SELECT * FROM users WHERE login = ?'),
    countUsers: p('SELECT COUNT(*) AS n FROM users'),
    insertSession: p('INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    findSession: p('SELECT * FROM user_sessions WHERE token_hash = ? AND expires_at > ?'),
    deleteSession: p('DELETE FROM user_sessions WHERE token_hash = ?'),

    insertTerminal: p(`INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, profile_id)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT id FROM profiles WHERE id = ?8 AND user_id = ?2))`),
    getTerminal: p('SELECT * FROM terminals WHERE id = ?'),
    terminalByCredential: p('SELECT * FROM terminals WHERE credential_hash = ? AND revoked_at IS NULL'),
    listTerminals: p('SELECT * FROM terminals WHERE user_id = ? ORDER BY created_at, id'),
    renameTerminal: p('UPDATE terminals SET name = ? WHERE id = ? AND user_id = ?'),
    setTerminalType: p('UPDATE terminals SET type = ? WHERE id = ? AND user_id = ?'),
    // History goes with it through the composite foreign key's ON DELETE CASCADE.
    deleteTerminal: p('DELETE FROM terminals WHERE id = ? AND user_id = ?'),
    // "Seen" only moves forward, so out-of-order touches from parallel requests cannot regress it.
    touchTerminal: p('UPDATE terminals SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)'),

    upsertProgram: p(`INSERT INTO programs (id, doc, title, kind, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, title = excluded.title, kind = excluded.kind,
        updated_at = excluded.updated_at, withdrawn_at = NULL`),
    clearProgramTypes: p('DELETE FROM program_terminal_types WHERE program_id = ?'),
    insertProgramType: p('INSERT INTO program_terminal_types (program_id, terminal_type) VALUES (?, ?)'),
    // Byte-wise title order in SQLite; a PostgreSQL store needs COLLATE "C" to match.
    listPrograms: p('SELECT doc FROM programs WHERE withdrawn_at IS NULL ORDER BY title, id'),
    listProgramIdsFor: p(`SELECT p.id FROM programs p
      JOIN program_terminal_types t ON t.program_id = p.id AND t.terminal_type = ?
      WHERE p.withdrawn_at IS NULL ORDER BY p.title, p.id`),
    // Changes whenever another connection (another process) commits to the file.
    dataVersion: p('PRAGMA data_version'),
    deleteProgram: p('DELETE FROM programs WHERE id = ?'),
    withdrawProgram: p('UPDATE programs SET withdrawn_at = COALESCE(withdrawn_at, ?) WHERE id = ?'),
    listWithdrawn: p('SELECT id, withdrawn_at FROM programs WHERE withdrawn_at IS NOT NULL ORDER BY id'),
    ageWithdrawn: p(`DELETE FROM programs WHERE withdrawn_at < ?
      AND NOT EXISTS (SELECT 1 FROM history h WHERE h.program_id = programs.id)`),
    countPrograms: p('SELECT COUNT(*) AS n FROM programs'),

    rememberReport: p(`INSERT INTO history_reports (user_id, report_id, received_at) VALUES (?, ?, ?)
      ON CONFLICT (user_id, report_id) DO NOTHING`),
    // The tracks too: one B-tree lookup per report for the row's state, not two. By the whole
    // key (migration 10), so the user is part of the lookup: another user's row is never read.
    currentPoint: p(`SELECT user_id, breakpoint_kind, breakpoint_value, seq, progress_at, play_token, tracks
      FROM history WHERE user_id = ? AND profile_id = ? AND terminal_id = ? AND program_id = ?`),
    terminalOfUser: p('SELECT 1 AS ok FROM terminals WHERE id = ? AND user_id = ?'),
    upsertHistory: p(`INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind,
        breakpoint_value, duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_id, profile_id, terminal_id, program_id) DO UPDATE SET
        terminal_type = excluded.terminal_type, breakpoint_kind = excluded.breakpoint_kind,
        breakpoint_value = excluded.breakpoint_value, duration_ms = excluded.duration_ms, seq = excluded.seq,
        progress_at = excluded.progress_at, updated_at = excluded.updated_at, status = excluded.status,
        last_event = excluded.last_event, play_token = excluded.play_token`),
    setTracks: p('UPDATE history SET tracks = ? WHERE user_id = ? AND profile_id = ? AND terminal_id = ? AND program_id = ?'),
    // Labelled with names of the user's own terminals (terminalNames): a row is only ever listed
    // for its terminal's user.
    listHistory: p(`SELECT ${LISTED_COLUMNS} FROM history WHERE user_id = ?`),
    listProfileHistory: p(`SELECT ${LISTED_COLUMNS} FROM history WHERE user_id = ? AND profile_id = ?`),
    terminalNames: p('SELECT id, name FROM terminals WHERE user_id = ?'),
    hideProgram: p(`INSERT INTO hidden_programs (user_id, profile_id, program_id, hidden_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, profile_id, program_id) DO UPDATE SET hidden_at = excluded.hidden_at`),
    listHidden: p(`SELECT program_id, MAX(hidden_at) AS hidden_at FROM hidden_programs WHERE user_id = ?
      GROUP BY program_id ORDER BY program_id`),
    listProfileHidden: p(`SELECT program_id, hidden_at FROM hidden_programs WHERE user_id = ? AND profile_id = ?
      ORDER BY program_id`),
    ageHistory: p('DELETE FROM history WHERE updated_at < ?'),
    ageReports: p('DELETE FROM history_reports WHERE received_at < ?'),
  };
}

/** The Store over an open, migrated connection. */
function buildStore(db: DatabaseSync, onDisk: { file: string; synchronous: 'NORMAL' | 'FULL' } | null): Store {
  const s = prepareAll(db);
  const accounts = accountMethods(db, (fn) => inTransaction(db, fn));
  let checkpointer: ReturnType<typeof startCheckpointer> | null = null;
  let checkpointerTried = false;
  const group = groupCommitter(db, () => {
    if (!onDisk || checkpointerTried) return;
    checkpointerTried = true;
    try {
      checkpointer = startCheckpointer(db, onDisk.file, onDisk.synchronous);
    } catch {
      // No thread (an embedder without worker_threads): SQLite checkpoints inline, as by default.
    }
  });
  let closed = false;
  const get = <T>(st: StatementSync, ...args: SQLInputValue[]) => st.get(...args) as T | undefined;
  const all = <T>(st: StatementSync, ...args: SQLInputValue[]) => st.all(...args) as T[];
  const changed = (st: StatementSync, ...args: SQLInputValue[]) => Number(st.run(...args).changes);
  const count = (st: StatementSync) => get<{ n: number }>(st)?.n ?? 0;
  // A user's history comes back as arrays where node:sqlite can (Node ≥ 22.16): building a row
  // object per record was half the cost of reading a 200-record history (measured 600 → 290 µs).
  const historyAsArrays = typeof s.listHistory.setReturnArrays === 'function';
  if (historyAsArrays) {
    s.listHistory.setReturnArrays(true);
    s.listProfileHistory.setReturnArrays(true);
  }
  /**
   * The catalogue, parsed once and shared until it changes: it is read on every home page, play
   * and report and changes rarely, and parsing it per request was the largest single cost of a
   * home page (and a SELECT plus a JSON.parse per report).
   * Shared objects are deep-frozen so no caller can corrupt another's copy. Our own writes drop
   * it; `PRAGMA data_version` moves when another connection (say a catalogue import in another
   * process) committed anything, which drops it too.
   */
  let catalogue: Catalogue | null = null;
  function currentCatalogue(): Catalogue {
    const version = get<{ data_version: number }>(s.dataVersion)?.data_version ?? -1;
    if (catalogue?.version === version) return catalogue;
    const list = all<{ doc: string }>(s.listPrograms).map((r) => deepFreeze(JSON.parse(r.doc) as Program));
    catalogue = { version, all: Object.freeze(list), byId: new Map(list.map((p) => [p.id, p])), byType: new Map() };
    return catalogue;
  }

  /** One report, inside the caller's transaction. */
  function applyOne(input: ApplyReportInput): ApplyReportResult {
    if (changed(s.rememberReport, input.userId, input.reportId, input.now) === 0) return { outcome: 'duplicate', row: null };
    const cur = get<DbPoint>(s.currentPoint, input.userId, input.profileId, input.terminalId, input.programId);
    // A row found under this user proves the terminal is the user's (the composite foreign key).
    // Without one, the terminal is checked here: the foreign key would catch a foreign terminal
    // on insert, but a stale outcome writes nothing and would hide the mistake.
    if (!cur && get<{ ok: number }>(s.terminalOfUser, input.terminalId, input.userId) === undefined) {
      throw new Error(`sqlite store: terminal ${input.terminalId} does not belong to user ${input.userId}`);
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
    const [kind, value] = encodeBreakpoint(row.breakpoint);
    s.upsertHistory.run(
      row.terminalId, row.programId, row.userId, row.terminalType, kind, value, row.durationMs, row.seq,
      row.progressAt, row.updatedAt, row.status, row.lastEvent, row.playToken, row.profileId,
    );
    // The track choice, field by field over the stored one (a report without it changes nothing).
    const storedTracks = decodeTracks(cur?.tracks ?? null);
    const tracks = input.tracks ? mergeTracks(storedTracks, input.tracks) : storedTracks;
    if (input.tracks) s.setTracks.run(tracks ? JSON.stringify(tracks) : null, input.userId, input.profileId, input.terminalId, input.programId);
    if (tracks) row.tracks = tracks;
    return { outcome: decision.outcome, row };
  }

  return {
    ...deviceCodeMethods(db, (fn) => inTransaction(db, fn)),
    ...accounts.methods,
    ...pinMethods(db, (fn) => inTransaction(db, fn)),
    ...handoffMethods(db),
    kind: 'sqlite',

    async getUser(id) {
      const r = get<DbUser>(s.getUser, id);
      return r ? toUser(r) : null;
    },
    async findUserByLogin(login) {
      const r = get<DbUser>(s.userByLogin, login);
      return r ? toUser(r) : null;
    },
    async countUsers() {
      return count(s.countUsers);
    },

    async createUserSession(x) {
      s.insertSession.run(x.tokenHash, x.userId, x.createdAt, x.expiresAt);
    },
    async findUserSession(tokenHash, now) {
      const r = get<DbSession>(s.findSession, tokenHash, now);
      return r ? toSession(r) : null;
    },
    async deleteUserSession(tokenHash) {
      s.deleteSession.run(tokenHash);
    },
    async createTerminal(t) {
      s.insertTerminal.run(t.id, t.userId, t.name, t.type, t.credentialHash, t.createdAt, t.lastSeenAt, t.profileId);
    },
    async getTerminal(id) {
      const r = get<DbTerminal>(s.getTerminal, id);
      return r ? toTerminal(r) : null;
    },
    async findTerminalByCredential(credentialHash) {
      const r = get<DbTerminal>(s.terminalByCredential, credentialHash);
      return r ? toTerminal(r) : null;
    },
    async listTerminals(userId) {
      return all<DbTerminal>(s.listTerminals, userId).map(toTerminal);
    },
    async renameTerminal(userId, terminalId, name) {
      return changed(s.renameTerminal, name, terminalId, userId) === 1;
    },
    async setTerminalType(userId, terminalId, type) {
      return changed(s.setTerminalType, type, terminalId, userId) === 1;
    },
    async deleteTerminal(userId, terminalId, at) {
      return inTransaction(db, () => {
        if (changed(s.deleteTerminal, terminalId, userId) !== 1) return false;
        accounts.recordTerminalRevocation(terminalId, at);
        return true;
      });
    },
    async touchTerminal(terminalId, at) {
      s.touchTerminal.run(at, terminalId, at);
    },

    async upsertPrograms(programs: readonly Program[]) {
      const now = Date.now();
      catalogue = null;
      inTransaction(db, () => {
        for (const prog of programs) {
          s.upsertProgram.run(prog.id, JSON.stringify(prog), prog.title, prog.kind, now);
          s.clearProgramTypes.run(prog.id);
          for (const type of prog.terminalTypes) s.insertProgramType.run(prog.id, type);
        }
      });
    },
    async getProgram(id) {
      return currentCatalogue().byId.get(id) ?? null;
    },
    async listPrograms(terminalType) {
      const cat = currentCatalogue();
      if (terminalType === undefined) return cat.all as Program[];
      let list = cat.byType.get(terminalType);
      if (!list) {
        const ids = all<{ id: string }>(s.listProgramIdsFor, terminalType);
        list = Object.freeze(ids.map((r) => cat.byId.get(r.id) as Program));
        cat.byType.set(terminalType, list);
      }
      return list as Program[];
    },
    async deleteProgram(id) {
      catalogue = null;
      return inTransaction(db, () => changed(s.deleteProgram, id) === 1);
    },
    async withdrawProgram(id, at) {
      catalogue = null;
      return changed(s.withdrawProgram, at, id) === 1;
    },
    async listWithdrawn() {
      return all<{ id: string; withdrawn_at: number }>(s.listWithdrawn).map((r) => ({ id: r.id, withdrawnAt: r.withdrawn_at }));
    },
    async countPrograms() {
      return count(s.countPrograms);
    },

    async applyReport(input) {
      return group.submit(() => applyOne(input));
    },
    async applyReports(inputs) {
      if (inputs.length === 0) return [];
      // One commit for the whole batch (and for concurrent batches, see groupCommitter).
      return group.submit(() => inputs.map(applyOne));
    },
    async listHistory(userId, profileId = null): Promise<LabelledHistoryRow[]> {
      const st = profileId === null ? s.listHistory : s.listProfileHistory;
      const args: SQLInputValue[] = profileId === null ? [userId] : [userId, profileId];
      const names = new Map(all<{ id: string; name: string }>(s.terminalNames, userId).map((t) => [t.id, t.name]));
      const out: LabelledHistoryRow[] = [];
      if (historyAsArrays) {
        for (const t of st.all(...args) as unknown as HistoryTuple[]) {
          const name = names.get(t[0]);
          if (name !== undefined) out.push(fromTuple(t, userId, name));
        }
        return out;
      }
      for (const r of all<DbHistory>(st, ...args)) {
        const name = names.get(r.terminal_id);
        if (name !== undefined) out.push({ ...toHistory({ ...r, user_id: userId }), terminalName: name });
      }
      return out;
    },
    async hideProgram(userId, profileId, programId, at) {
      s.hideProgram.run(userId, profileId, programId, at);
    },
    async listHidden(userId, profileId = null) {
      const rows = profileId === null
        ? all<{ program_id: string; hidden_at: number }>(s.listHidden, userId)
        : all<{ program_id: string; hidden_at: number }>(s.listProfileHidden, userId, profileId);
      return rows.map((r) => ({ programId: r.program_id, hiddenAt: r.hidden_at }));
    },

    async deleteOlderThan(cutoff) {
      return inTransaction(db, () => ({
        records: changed(s.ageHistory, cutoff),
        reports: changed(s.ageReports, cutoff),
        // After the records, so a programme whose last record aged out now goes in the same run.
        programs: changed(s.ageWithdrawn, cutoff),
      }));
    },

    async close() {
      if (closed) return;
      closed = true;
      group.flush();
      await checkpointer?.stop();
      // Closing the last connection checkpoints the WAL into the main file.
      db.close();
    },
  };
}
