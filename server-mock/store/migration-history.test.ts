/**
 * Migration 9 (history and report ids rebuilt WITHOUT ROWID, CHECK lists as OR chains) on a
 * store written by version 8, in both stores, and migration 10 (history keyed by household
 * first, SQLite) on top of it: two accounts, a second profile, terminals of every
 * type (one signed out), history rows with every status, last event and breakpoint kind, with and
 * without play token and track choice, report ids. Every row survives with every value; the new
 * tables still refuse every bad row the old ones refused (each CHECK, the keys, both composite
 * foreign keys) and still cascade; SQLite's upsert no longer builds temporary B-trees; and the
 * migrated store works (a report applied, a replay refused as a duplicate, a terminal removed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { migratePostgres, openPostgresStore } from './postgres.ts';
import { openPool } from './postgres-pool.ts';
import { PG_SKIP_REASON, PG_TEST_URL, dropTestSchemas, freshSchema } from './postgres-testing.ts';
import { migrateSqlite, openSqliteStore } from './sqlite.ts';
import type { ApplyReportInput, Store } from './types.ts';

const V8 = MIGRATIONS.slice(0, 8);
const V9 = MIGRATIONS.slice(0, 9);
const T = 1_700_000_000_000;
const A = 'user-a000001';
const B = 'user-b000001';
const PA = `p-${A}`;
const PB = `p-${B}`;
const KID = 'prof-a-kid01';
const PROGRAM = (id: string) =>
  `('${id}', '{"id":"${id}","title":"${id}","synopsis":"","durationMs":3600000,"kind":"vod","terminalTypes":["stb","pc","mobile"],"artwork":"a","links":[{"dash":"${id}/m.mpd"}]}', '${id}', 'vod', 1)`;
const TRACKS = `'{"audio":"fr","subtitles":"off","speed":1.5}'`;

const STATUSES = ['not-started', 'in-progress', 'watched', 'expired'];
const EVENTS = ['heartbeat', 'pause', 'seek', 'stop', 'timeout'];
const TERMINALS: [id: string, user: string, type: string][] = [
  ['term-a-tv000', A, 'stb'],
  ['term-a-pc000', A, 'pc'],
  ['term-a-phone', A, 'mobile'],
  ['term-b-pc000', B, 'pc'],
];
const PROGRAMS = ['sintel', 'bbb', 'tears', 'news'];

/** Varied history rows: every terminal × programme, cycling statuses, events and the rest. */
function historyRows(): string[] {
  const rows: string[] = [];
  let i = 0;
  for (const [tid, uid, type] of TERMINALS) {
    for (const prog of PROGRAMS) {
      for (const profile of uid === A && i % 3 === 0 ? [PA, KID] : [uid === A ? PA : PB]) {
        const wall = prog === 'news';
        rows.push(
          `('${tid}', '${prog}', '${uid}', '${type}', '${wall ? 'wallclock' : 'offset'}', ${wall ? T - 3_600_000 + i : 1000 * i}, ` +
            `${3_600_000 + i}, ${i + 1}, ${T + i}, ${T + 2 * i}, '${STATUSES[i % 4]}', '${EVENTS[i % 5]}', ` +
            `${i % 2 ? `'pt.${i}'` : 'NULL'}, '${profile}', ${i % 3 === 1 ? TRACKS : 'NULL'})`,
        );
        i++;
      }
    }
  }
  return rows;
}

/** Rows a version-8 store held (portable SQL: both dialects run it as is). */
const V8_ROWS = [
  `INSERT INTO users (id, login, display_name, password_hash, created_at, role) VALUES ('${A}', 'a@x', 'A', 'scrypt$a', 1000, 'owner'), ('${B}', 'b@x', 'B', 'scrypt$b', 2000, 'member')`,
  `INSERT INTO profiles (id, user_id, name, language, pin_hash, maturity_limit, created_at) VALUES
    ('${PA}', '${A}', 'A', NULL, NULL, NULL, 1000), ('${KID}', '${A}', 'Kid', 'fr', 'scrypt$k', 6, 1001), ('${PB}', '${B}', 'B', NULL, NULL, NULL, 2000)`,
  `INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, revoked_at, profile_id) VALUES ` +
    TERMINALS.map(([id, uid, type], i) => `('${id}', '${uid}', 'T${i}', '${type}', 'cred-${id}', ${1000 + i}, ${i ? 1500 + i : 'NULL'}, ${id === 'term-a-phone' ? 1400 : 'NULL'}, '${uid === A ? PA : PB}')`).join(', '),
  `INSERT INTO programs (id, doc, title, kind, updated_at) VALUES ${PROGRAMS.map(PROGRAM).join(', ')}`,
  `INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value, duration_ms,
     seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks) VALUES ${historyRows().join(',\n')}`,
  `INSERT INTO history_reports (user_id, report_id, received_at) VALUES ('${A}', 'rep-1', ${T}), ('${A}', 'rep-2', ${T + 1}), ('${B}', 'rep-1', ${T + 2}), ('${B}', 'seed-x', 5)`,
  `INSERT INTO hidden_programs (user_id, profile_id, program_id, hidden_at) VALUES ('${A}', '${KID}', 'bbb', 50)`,
];

const HISTORY_DUMP = `SELECT terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value, duration_ms,
  seq, progress_at, updated_at, status, last_event, play_token, profile_id, tracks
  FROM history ORDER BY terminal_id, profile_id, program_id`;
const REPORTS_DUMP = 'SELECT user_id, report_id, received_at FROM history_reports ORDER BY user_id, report_id';

/** One good row's values with one column replaced (for the refusals). */
function rowWith(over: Record<string, string>): string {
  const v: Record<string, string> = {
    terminal_id: `'term-a-tv000'`, program_id: `'sintel'`, user_id: `'${A}'`, terminal_type: `'stb'`, breakpoint_kind: `'offset'`,
    breakpoint_value: '1', duration_ms: '2', seq: '1', progress_at: '1', updated_at: '1', status: `'in-progress'`,
    last_event: `'stop'`, play_token: 'NULL', profile_id: `'prof-new'`, tracks: 'NULL', ...over,
  };
  return `INSERT INTO history (${Object.keys(v).join(', ')}) VALUES (${Object.values(v).join(', ')})`;
}

/** Rows every version refuses: each CHECK, each key, each foreign key. */
const BAD_ROWS: [what: string, sql: string][] = [
  ['terminal type', rowWith({ terminal_type: `'tv'`, profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['breakpoint kind', rowWith({ breakpoint_kind: `'frame'`, profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['status', rowWith({ status: `'done'`, profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['last event', rowWith({ last_event: `'play'`, profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['case of an enumerated value', rowWith({ status: `'Watched'`, profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['the primary key (an existing viewing)', rowWith({ profile_id: `'${PA}'` })],
  ['another user’s terminal', rowWith({ user_id: `'${B}'`, profile_id: `'${PB}'` })],
  ['another user’s profile', rowWith({ terminal_id: `'term-b-pc000'`, user_id: `'${B}'`, profile_id: `'${KID}'` })],
  ['an unknown programme', rowWith({ program_id: `'nothing'`, profile_id: `'${KID}'` })],
  ['a NULL status', rowWith({ status: 'NULL', profile_id: `'${KID}'`, program_id: `'tears'` })],
  ['a report id seen', `INSERT INTO history_reports (user_id, report_id, received_at) VALUES ('${A}', 'rep-1', 9)`],
];

function report(over: Partial<ApplyReportInput> = {}): ApplyReportInput {
  return {
    userId: A, profileId: PA, terminalId: 'term-a-tv000', terminalType: 'stb', programId: 'tears', reportId: 'rep-new',
    now: T + 10_000, durationMs: 3_600_000, event: 'stop', playToken: null,
    decide: (stored) => ({ outcome: 'applied', reason: 'moved', next: { seq: (stored?.seq ?? 0) + 1, breakpoint: { kind: 'offset', offsetMs: 42_000 }, progressAt: T + 9_000 } }),
    statusOf: () => 'in-progress',
    ...over,
  };
}

/** The migrated store works: a report, its replay, a terminal removed with its history. */
async function checkWorks(store: Store): Promise<void> {
  const first = await store.applyReport(report());
  expect(first.outcome).toBe('applied');
  // The stored row's seq (4: the fourth row written) was read through the new key.
  expect(first.row?.seq).toBe(5);
  expect((await store.applyReport(report())).outcome).toBe('duplicate');
  // Report ids stay scoped per user: the same id from B is not a replay.
  expect((await store.applyReport(report({ userId: B, profileId: PB, terminalId: 'term-b-pc000', terminalType: 'pc' }))).outcome).toBe('applied');
  const before = await store.listHistory(A);
  const ofPc = before.filter((r) => r.terminalId === 'term-a-pc000').length;
  expect(ofPc).toBe(6); // four programmes, two of them watched by two profiles
  expect(await store.deleteTerminal(A, 'term-a-pc000', T + 20_000)).toBe(true);
  const after = await store.listHistory(A);
  expect(after.length).toBe(before.length - ofPc);
  expect(after.some((r) => r.terminalId === 'term-a-pc000')).toBe(false);
}

describe('migrations 9 and 10 on a version-8 store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ra-migrate-v8-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: keeps every row and value, refuses the same bad rows, and the upsert builds no temporary B-tree; then migration 10 as well', async () => {
    const file = join(dir, 'v8.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    expect(migrateSqlite(db, V8)).toBe(8);
    for (const sql of V8_ROWS) db.exec(sql);
    const history = db.prepare(HISTORY_DUMP).all();
    const reports = db.prepare(REPORTS_DUMP).all();
    expect(history.length).toBe(22);
    // The refusals hold before the migration (so the test checks the same refusals after it).
    for (const [what, sql] of BAD_ROWS) expect(() => db.exec(sql), what).toThrow();
    expect(migrateSqlite(db, V9)).toBe(9);

    expect(db.prepare(HISTORY_DUMP).all()).toEqual(history);
    expect(db.prepare(REPORTS_DUMP).all()).toEqual(reports);
    for (const [what, sql] of BAD_ROWS) expect(() => db.exec(sql), what).toThrow(/constraint|CHECK|UNIQUE|FOREIGN KEY/i);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });

    const ddl = (name: string) => (db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name) as { sql: string }).sql;
    for (const t of ['history', 'history_reports']) {
      expect(ddl(t)).toMatch(/WITHOUT ROWID/);
      expect(ddl(t)).not.toMatch(/\bIN\s*\(/i);
    }
    const indexes = (t: string) => (db.prepare(`PRAGMA index_list(${t})`).all() as { name: string }[]).map((r) => r.name).sort();
    expect(indexes('history')).toEqual(['history_program', 'history_updated', 'history_user', 'sqlite_autoindex_history_1']);
    expect(indexes('history_reports')).toEqual(['history_reports_received', 'sqlite_autoindex_history_reports_1']);
    // The store's own upsert (the statement every report runs) opens no ephemeral table now.
    const upsert = `INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value,
      duration_ms, seq, progress_at, updated_at, status, last_event, play_token, profile_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (terminal_id, profile_id, program_id) DO UPDATE SET
      terminal_type = excluded.terminal_type, status = excluded.status, last_event = excluded.last_event`;
    const ops = (db.prepare(`EXPLAIN ${upsert}`).all() as { opcode: string }[]).map((r) => r.opcode);
    expect(ops.filter((o) => o === 'OpenEphemeral')).toEqual([]);

    // Migration 10: the same rows, values and refusals, the household's rows one key range.
    expect(migrateSqlite(db)).toBe(10);
    expect(db.prepare(HISTORY_DUMP).all()).toEqual(history);
    expect(db.prepare(REPORTS_DUMP).all()).toEqual(reports);
    for (const [what, sql] of BAD_ROWS) expect(() => db.exec(sql), what).toThrow(/constraint|CHECK|UNIQUE|FOREIGN KEY/i);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(ddl('history')).toMatch(/PRIMARY KEY \(user_id, profile_id, terminal_id, program_id\)[\s\S]*WITHOUT ROWID/);
    expect(ddl('history')).not.toMatch(/\bIN\s*\(/i);
    expect(indexes('history')).toEqual(['history_program', 'history_updated', 'sqlite_autoindex_history_1']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
    // The home page's read and the report's lookup are ranges of the table's own key.
    expect(plan(`SELECT * FROM history WHERE user_id = '${A}'`)).toEqual(['SEARCH history USING PRIMARY KEY (user_id=?)']);
    expect(plan(`SELECT * FROM history WHERE user_id = '${A}' AND profile_id = '${KID}'`)).toEqual(['SEARCH history USING PRIMARY KEY (user_id=? AND profile_id=?)']);
    expect(plan(`SELECT seq FROM history WHERE user_id = '${A}' AND profile_id = '${PA}' AND terminal_id = 'term-a-tv000' AND program_id = 'bbb'`))
      .toEqual(['SEARCH history USING PRIMARY KEY (user_id=? AND profile_id=? AND terminal_id=? AND program_id=?)']);
    // A terminal's or a profile's removal still cascades into its rows (and only its rows).
    const rowsOf = (where: string) => (db.prepare(`SELECT COUNT(*) AS n FROM history WHERE ${where}`).get() as { n: number }).n;
    const kidRows = rowsOf(`profile_id = '${KID}'`);
    const bRows = rowsOf(`user_id = '${B}'`);
    expect(kidRows).toBeGreaterThan(0);
    db.exec('BEGIN');
    db.exec(`DELETE FROM profiles WHERE id = '${KID}'`);
    expect(rowsOf(`profile_id = '${KID}'`)).toBe(0);
    expect(rowsOf('1 = 1')).toBe(history.length - kidRows);
    db.exec(`DELETE FROM terminals WHERE id = 'term-b-pc000'`);
    expect(rowsOf(`user_id = '${B}'`)).toBe(0);
    expect(rowsOf('1 = 1')).toBe(history.length - kidRows - bRows);
    db.exec('ROLLBACK');
    expect(db.prepare(HISTORY_DUMP).all()).toEqual(history);
    db.close();

    const store = await openSqliteStore({ file });
    try {
      await checkWorks(store);
    } finally {
      await store.close();
    }
  });

  describe.skipIf(PG_SKIP_REASON !== null)(`PostgreSQL${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ''}`, () => {
    afterAll(dropTestSchemas);
    it('keeps every row and value and refuses the same bad rows', async () => {
      const schema = freshSchema();
      const pool = openPool({ url: PG_TEST_URL as string, max: 2, schema });
      let history: unknown[];
      let reports: unknown[];
      try {
        expect(await migratePostgres(pool, schema, V8)).toBe(8);
        for (const sql of V8_ROWS) await pool.query(sql);
        history = (await pool.query(HISTORY_DUMP)).rows;
        reports = (await pool.query(REPORTS_DUMP)).rows;
        expect(history.length).toBe(22);
        expect(await migratePostgres(pool, schema)).toBe(10);
        expect((await pool.query(HISTORY_DUMP)).rows).toEqual(history);
        expect((await pool.query(REPORTS_DUMP)).rows).toEqual(reports);
        for (const [what, sql] of BAD_ROWS) await expect(pool.query(sql), what).rejects.toBeInstanceOf(pg.DatabaseError);
      } finally {
        await pool.end();
      }
      const store = await openPostgresStore({ url: PG_TEST_URL as string, schema });
      try {
        await checkWorks(store);
      } finally {
        await store.close();
      }
    });
  });
});
