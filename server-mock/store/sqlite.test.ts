/**
 * The SQLite store: the shared conformance suite on a fresh file per test, then what only
 * SQLite has (migrations on a file, WAL, durability across a kill -9 of the writer).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { T0, programFixture, reportInput, storeConformance, terminalFixture, userFixture } from './conformance.ts';
import { accountConformance } from './conformance-accounts.ts';
import { deviceCodeConformance } from './conformance-device.ts';
import { pinConformance } from './conformance-pins.ts';
import { handoffConformance } from './conformance-handoffs.ts';
import { profileConformance } from './conformance-profiles.ts';
import { withdrawnConformance } from './conformance-withdrawn.ts';
import { MIGRATIONS, SchemaVersionError, latestVersion, type Migration } from './migrations.ts';
import { migrateSqlite, openSqliteStore } from './sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'ra-sqlite-store-'));
let n = 0;
const freshFile = () => join(dir, `store-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
deviceCodeConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
accountConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
profileConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
withdrawnConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
pinConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
handoffConformance('sqlite', () => openSqliteStore({ file: freshFile() }));
storeConformance('sqlite :memory:', () => openSqliteStore({ file: ':memory:', synchronous: 'FULL' }));

/** Read something straight from the file, bypassing the store. */
function peek<T>(file: string, sql: string): T[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('sqlite store specifics', () => {
  it('creates missing parent directories', async () => {
    const file = join(dir, 'a', 'b', 'c', 'store.db');
    const store = await openSqliteStore({ file });
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('applies each migration once and records it', async () => {
    const file = freshFile();
    await (await openSqliteStore({ file })).close();
    await (await openSqliteStore({ file })).close();
    const rows = peek<{ version: number; name: string }>(file, 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => ({ ...r }))).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('applies only the migrations a database lacks, each atomically', () => {
    const db = new DatabaseSync(':memory:');
    expect(migrateSqlite(db)).toBe(latestVersion());
    const v = latestVersion() + 1;
    const broken: Migration[] = [...MIGRATIONS, { version: v, name: 'broken', up: 'CREATE TABLE extra (x TEXT); SELECT * FROM no_such_table;' }];
    expect(() => migrateSqlite(db, broken)).toThrow(/no_such_table/);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    const good: Migration[] = [...MIGRATIONS, { version: v, name: 'extra table', up: 'CREATE TABLE extra (x TEXT);' }];
    expect(migrateSqlite(db, good)).toBe(v);
    expect(migrateSqlite(db, good)).toBe(v);
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: v });
    db.close();
  });

  it('refuses a database written by a newer schema, and an edited migration', async () => {
    const file = freshFile();
    await (await openSqliteStore({ file })).close();
    const db = new DatabaseSync(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(latestVersion() + 1, 'future', 0);
    db.close();
    const refused = openSqliteStore({ file });
    await expect(refused).rejects.toThrow(SchemaVersionError);
    await expect(openSqliteStore({ file })).rejects.toThrow(/newer than this program supports/);

    const edited = new DatabaseSync(':memory:');
    migrateSqlite(edited);
    expect(() => migrateSqlite(edited, [{ ...MIGRATIONS[0]!, name: 'renamed' }, ...MIGRATIONS.slice(1)])).toThrow(/recorded as/);
    edited.close();
  });

  it('keeps data across a reopen', async () => {
    const file = freshFile();
    const a = await openSqliteStore({ file });
    const user = userFixture('user-keep');
    const term = terminalFixture('term-keep', user.id);
    await a.createUser(user);
    await a.createTerminal(term);
    await a.upsertPrograms([programFixture('sintel', 'Sintel')]);
    await a.applyReport(reportInput({ reportId: 'rep-keep', terminal: term, seq: 1 }));
    await a.close();
    const b = await openSqliteStore({ file });
    expect(await b.getUser(user.id)).toEqual(user);
    expect((await b.listHistory(user.id)).map((r) => r.seq)).toEqual([1]);
    expect((await b.applyReport(reportInput({ reportId: 'rep-keep', terminal: term, seq: 1 }))).outcome).toBe('duplicate');
    await b.close();
  });

  it('runs in WAL mode', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    expect(peek<{ journal_mode: string }>(file, 'PRAGMA journal_mode')[0]?.journal_mode).toBe('wal');
    await store.close();
  });

  it('keeps every acknowledged report when the writer is killed with SIGKILL', async () => {
    const file = freshFile();
    const user = userFixture('user-crash');
    const term = terminalFixture('term-crash', user.id);
    const total = 1_000_000; // far more than can run before the kill lands
    const killAfter = 200;
    const sqliteUrl = JSON.stringify(pathToFileURL(join(import.meta.dirname, 'sqlite.ts')).href);
    // Plain ESM importing the .ts store (Node 24 strips the types); no test-runner imports.
    const child = `
      const { openSqliteStore } = await import(${sqliteUrl});
      const store = await openSqliteStore({ file: ${JSON.stringify(file)} });
      const user = ${JSON.stringify(user)};
      const term = ${JSON.stringify(term)};
      await store.createUser(user);
      await store.createTerminal(term);
      await store.upsertPrograms([${JSON.stringify(programFixture('sintel', 'Sintel'))}]);
      for (let seq = 1; seq <= ${total}; seq++) {
        const next = { seq, breakpoint: { kind: 'offset', offsetMs: seq * 1000 }, progressAt: ${T0} + seq };
        await store.applyReport({
          reportId: 'rep-crash-' + seq, userId: user.id, profileId: term.profileId, terminalId: term.id, terminalType: term.type,
          programId: 'sintel', durationMs: 3600000, event: 'heartbeat', playToken: null, now: next.progressAt,
          decide: (stored) => (stored && stored.seq >= seq ? { outcome: 'stale' } : { outcome: 'applied', reason: 'moved', next }),
          statusOf: () => 'in-progress',
        });
        process.stdout.write('acked ' + seq + '\\n');
      }
      process.stdout.write('done\\n');
    `;
    const proc = spawn(process.execPath, ['--input-type=module', '--no-warnings', '-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let acked = 0;
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^acked (\d+)$/.exec(line);
        if (m) acked = Math.max(acked, Number(m[1]));
        if (acked >= killAfter && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
      }
    });
    const signal = await exited;
    expect(err).toBe('');
    expect(signal).toBe('SIGKILL'); // killed mid-run, not finished
    expect(acked).toBeGreaterThanOrEqual(killAfter);
    expect(acked).toBeLessThan(total);
    // The kill left committed work in the WAL, so reopening exercises SQLite's recovery.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const store = await openSqliteStore({ file });
    const rows = await store.listHistory(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seq).toBeGreaterThanOrEqual(acked);
    // Every acknowledged report id was committed, so replaying any of them is a duplicate.
    const replays = await store.applyReports(
      Array.from({ length: acked }, (_, i) => reportInput({ reportId: `rep-crash-${i + 1}`, terminal: term, seq: i + 1 })),
    );
    expect(replays.filter((r) => r.outcome !== 'duplicate')).toEqual([]);
    await store.close();
  });
});
