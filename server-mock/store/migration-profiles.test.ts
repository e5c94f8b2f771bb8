/**
 * The profile move (migration 4) and everything after it (5 tracks, 7 wrong-PIN counts) on a
 * store written by the schema just before profiles (version 3), in both stores: a household
 * with three terminals (one signed out), a second account, history on every terminal, report
 * ids, removals and revocations. Every row survives with every value; each account's history
 * and removals are its default profile's (listed per profile exactly as before for the
 * account); the signed-out terminal stays signed out; and the migrated store works: a new
 * profile, a wrong PIN counted, a report applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { migratePostgres, openPostgresStore } from './postgres.ts';
import { openPool } from './postgres-pool.ts';
import { PG_SKIP_REASON, PG_TEST_URL, dropTestSchemas, freshSchema } from './postgres-testing.ts';
import { migrateSqlite, openSqliteStore } from './sqlite.ts';
import { defaultProfileId, type Store } from './types.ts';

const V3 = MIGRATIONS.slice(0, 3);
const T = 1_700_000_000_000;
const PROGRAM = (id: string) =>
  `('${id}', '{"id":"${id}","title":"${id}","synopsis":"","durationMs":3600000,"kind":"vod","terminalTypes":["stb","pc","mobile"],"artwork":"a","links":[{"dash":"${id}/m.mpd"}]}', '${id}', 'vod', 1)`;
/** Rows a version-3 store held (portable SQL: both dialects run it as is). */
const V3_ROWS = [
  `INSERT INTO users (id, login, display_name, password_hash, created_at, role) VALUES ('user-home0001', 'home@x', 'Home', 'scrypt$h', 1000, 'owner'), ('user-other001', 'other@x', 'Other', 'scrypt$o', 2000, 'member')`,
  `INSERT INTO terminals (id, user_id, name, type, credential_hash, created_at, last_seen_at, revoked_at) VALUES
    ('term-home-tv0', 'user-home0001', 'TV', 'stb', 'cred-tv', 1000, 1500, NULL),
    ('term-home-pc0', 'user-home0001', 'PC', 'pc', 'cred-pc', 1100, NULL, NULL),
    ('term-home-old', 'user-home0001', 'Old phone', 'mobile', 'cred-old', 1200, 1300, 1400),
    ('term-other-pc', 'user-other001', 'Other PC', 'pc', 'cred-other', 2000, 2100, NULL)`,
  `INSERT INTO programs (id, doc, title, kind, updated_at) VALUES ${PROGRAM('sintel')}, ${PROGRAM('bbb')}`,
  `INSERT INTO program_terminal_types (program_id, terminal_type) VALUES ('sintel', 'stb'), ('sintel', 'pc'), ('sintel', 'mobile'), ('bbb', 'stb'), ('bbb', 'pc'), ('bbb', 'mobile')`,
  `INSERT INTO history (terminal_id, program_id, user_id, terminal_type, breakpoint_kind, breakpoint_value, duration_ms, seq, progress_at, updated_at, status, last_event, play_token) VALUES
    ('term-home-tv0', 'sintel', 'user-home0001', 'stb', 'offset', 600000, 3600000, 3, ${T}, ${T}, 'in-progress', 'stop', 'pt1.tv'),
    ('term-home-pc0', 'sintel', 'user-home0001', 'pc', 'offset', 900000, 3600000, 7, ${T + 5}, ${T + 5}, 'in-progress', 'pause', NULL),
    ('term-home-pc0', 'bbb', 'user-home0001', 'pc', 'offset', 3500000, 3600000, 8, ${T + 6}, ${T + 6}, 'watched', 'stop', 'pt1.pc'),
    ('term-home-old', 'bbb', 'user-home0001', 'mobile', 'offset', 120000, 3600000, 2, ${T - 9}, ${T - 9}, 'in-progress', 'timeout', NULL),
    ('term-other-pc', 'sintel', 'user-other001', 'pc', 'offset', 300000, 3600000, 1, ${T + 1}, ${T + 1}, 'in-progress', 'stop', NULL)`,
  `INSERT INTO history_reports (user_id, report_id, received_at) VALUES ('user-home0001', 'rep-1', ${T}), ('user-other001', 'rep-2', ${T})`,
  `INSERT INTO hidden_programs (user_id, program_id, hidden_at) VALUES ('user-home0001', 'bbb', 50), ('user-other001', 'sintel', 60)`,
  `INSERT INTO revocations (kind, subject_id, at) VALUES ('terminal', 'term-home-old', 1400)`,
];

/** What the migrated store must answer, and that it works on. */
async function checkMigrated(store: Store): Promise<void> {
  const home = 'user-home0001';
  const other = 'user-other001';
  const p = defaultProfileId(home);
  expect((await store.listProfiles(home)).map((x) => [x.id, x.name, x.pinHash, x.maturityLimit])).toEqual([[p, 'Home', null, null]]);
  expect((await store.listProfiles(other)).map((x) => x.id)).toEqual([defaultProfileId(other)]);
  // Every history row, every value, in the default profile; per profile = for the account.
  const rows = (await store.listHistory(home)).map((r) => [r.terminalId, r.programId, r.profileId, r.breakpoint, r.seq, r.updatedAt, r.status, r.lastEvent, r.playToken, r.terminalName]);
  expect(rows.sort()).toEqual(
    [
      ['term-home-tv0', 'sintel', p, { kind: 'offset', offsetMs: 600000 }, 3, T, 'in-progress', 'stop', 'pt1.tv', 'TV'],
      ['term-home-pc0', 'sintel', p, { kind: 'offset', offsetMs: 900000 }, 7, T + 5, 'in-progress', 'pause', null, 'PC'],
      ['term-home-pc0', 'bbb', p, { kind: 'offset', offsetMs: 3500000 }, 8, T + 6, 'watched', 'stop', 'pt1.pc', 'PC'],
      ['term-home-old', 'bbb', p, { kind: 'offset', offsetMs: 120000 }, 2, T - 9, 'in-progress', 'timeout', null, 'Old phone'],
    ].sort(),
  );
  expect(await store.listHistory(home, p)).toEqual(await store.listHistory(home));
  expect((await store.listHistory(other, defaultProfileId(other))).map((r) => [r.terminalId, r.programId, r.seq])).toEqual([['term-other-pc', 'sintel', 1]]);
  expect(await store.listHidden(home, p)).toEqual([{ programId: 'bbb', hiddenAt: 50 }]);
  expect(await store.listHidden(other, defaultProfileId(other))).toEqual([{ programId: 'sintel', hiddenAt: 60 }]);
  // Terminals: on the default profile; the signed-out one still refused; revocations kept.
  expect((await store.findTerminalByCredential('cred-tv'))?.profileId).toBe(p);
  expect(await store.findTerminalByCredential('cred-old')).toBeNull();
  expect((await store.getTerminal('term-home-old'))?.revokedAt).toBe(1400);
  expect(await store.listRevocations(0)).toEqual([{ kind: 'terminal', subjectId: 'term-home-old', at: 1400 }]);
  expect((await store.getUser(home))?.role).toBe('owner');
  // The migrated store works: a second profile, a wrong PIN counted (migration 7).
  expect(await store.createProfile({ id: 'prof-home-kid', userId: home, name: 'Kid', language: null, pinHash: 'scrypt$k', maturityLimit: 6, createdAt: 3000 }, 8)).toBe(true);
  expect(await store.recordPinFailure('prof-home-kid', 4000, { maxFailures: 5, windowMs: 60_000, lockMs: 60_000 })).toEqual({ failures: 1, windowStart: 4000, lockedUntil: null });
  expect(await store.getPinState(p)).toBeNull();
}

describe('the profile move on a version-3 store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ra-migrate-v3-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: keeps every row and value, all in each account’s default profile', async () => {
    const file = join(dir, 'v3.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    expect(migrateSqlite(db, V3)).toBe(3);
    for (const sql of V3_ROWS) db.exec(sql);
    db.close();
    const store = await openSqliteStore({ file });
    try {
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  });

  describe.skipIf(PG_SKIP_REASON !== null)(`PostgreSQL${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ''}`, () => {
    afterAll(dropTestSchemas);
    it('keeps every row and value, all in each account’s default profile', async () => {
      const schema = freshSchema();
      const pool = openPool({ url: PG_TEST_URL as string, max: 2, schema });
      try {
        expect(await migratePostgres(pool, schema, V3)).toBe(3);
        for (const sql of V3_ROWS) await pool.query(sql);
      } finally {
        await pool.end();
      }
      const store = await openPostgresStore({ url: PG_TEST_URL as string, schema });
      try {
        await checkMigrated(store);
      } finally {
        await store.close();
      }
    });
  });
});
