/**
 * Migrations 3 (owner, signed-out terminals, revocations) and 4 (household profiles) on a
 * database written by the schema before them: every row survives, the oldest account becomes
 * the owner, every terminal stays signed in, all history and removals move into each account's
 * default profile, and the store works on the migrated file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { migrateSqlite, openSqliteStore } from './sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'ra-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations 3 and 4 on a version-2 database', () => {
  it('keeps every row; the oldest account becomes the owner; everything moves into a default profile', async () => {
    const file = join(dir, 'v2.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    expect(migrateSqlite(db, MIGRATIONS.slice(0, 2))).toBe(2);
    db.exec(`
      INSERT INTO users VALUES ('user-second', 'b@x', 'B', 'scrypt$b', 2000), ('user-first0', 'a@x', 'A', 'scrypt$a', 1000);
      INSERT INTO user_sessions VALUES ('sess-hash', 'user-second', 1, 9999999999999);
      INSERT INTO terminals VALUES ('term-first-tv', 'user-first0', 'TV', 'stb', 'cred-hash-1', 1000, 1500);
      INSERT INTO programs VALUES ('sintel', '{"id":"sintel","title":"Sintel","synopsis":"","durationMs":3600000,"kind":"vod","terminalTypes":["stb"],"artwork":"a","links":[{"dash":"s/m.mpd"}]}', 'Sintel', 'vod', 1);
      INSERT INTO program_terminal_types VALUES ('sintel', 'stb');
      INSERT INTO history VALUES ('term-first-tv', 'sintel', 'user-first0', 'stb', 'offset', 600000, 3600000, 3, 1700000000000, 1700000000000, 'in-progress', 'stop', 'pt1.x');
      INSERT INTO history_reports VALUES ('user-first0', 'rep-1', 1700000000000);
      INSERT INTO hidden_programs VALUES ('user-second', 'sintel', 5);
    `);
    db.close();

    const store = await openSqliteStore({ file });
    try {
      expect((await store.getUser('user-first0'))?.role).toBe('owner');
      expect((await store.getUser('user-second'))?.role).toBe('member');
      expect(await store.findUserSession('sess-hash', 2)).not.toBeNull();
      const tv = await store.findTerminalByCredential('cred-hash-1');
      expect(tv).toMatchObject({ id: 'term-first-tv', revokedAt: null, lastSeenAt: 1500 });
      const history = await store.listHistory('user-first0');
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ breakpoint: { kind: 'offset', offsetMs: 600_000 }, seq: 3, playToken: 'pt1.x', terminalName: 'TV' });
      expect(await store.listHidden('user-second')).toEqual([{ programId: 'sintel', hiddenAt: 5 }]);
      expect(await store.listRevocations(0)).toEqual([]);
      // Migration 4: every account got its default profile, and its data moved into it.
      expect((await store.listProfiles('user-first0')).map((p) => [p.id, p.name, p.pinHash, p.maturityLimit])).toEqual([['p-user-first0', 'A', null, null]]);
      expect((await store.listProfiles('user-second')).map((p) => p.id)).toEqual(['p-user-second']);
      expect(tv?.profileId).toBe('p-user-first0');
      expect(history[0]?.profileId).toBe('p-user-first0');
      expect(await store.listHistory('user-first0', 'p-user-first0')).toEqual(history);
      expect(await store.listHidden('user-second', 'p-user-second')).toEqual([{ programId: 'sintel', hiddenAt: 5 }]);
      expect((await store.getUser('user-first0'))?.sharedHistory).toBe(false);
      // And the migrated file works: sign the TV out.
      expect(await store.revokeTerminals('user-first0', null, null, 3000)).toEqual(['term-first-tv']);
      expect(await store.findTerminalByCredential('cred-hash-1')).toBeNull();
    } finally {
      await store.close();
    }
  });
});
