/**
 * Storage integrity with real damaged files and a real SQLITE_FULL (a page quota standing in
 * for a full disk): refused starts name the file and the reason in one line; a damaged
 * database refuses writes and says so on /healthz; a full one refuses the write with
 * STORAGE_FULL, keeps serving reads and loses nothing it acknowledged.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors.ts';
import { programFixture, reportInput, terminalFixture, userFixture } from './conformance.ts';
import { guardStore, StoreOpenError } from './integrity.ts';
import { openStore, sqliteFileOf } from './open.ts';
import { openSqliteStore } from './sqlite.ts';

const root = mkdtempSync(join(tmpdir(), 'ra-integrity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, `d${++n}`);
  mkdirSync(d, { recursive: true });
  return d;
};

async function seeded(dataDir: string) {
  const store = await openStore({ store: { kind: 'sqlite' }, dataDir });
  const u = userFixture('user-a');
  const t = terminalFixture('term-a', u.id);
  await store.createUser(u);
  await store.createTerminal(t);
  await store.upsertPrograms(Array.from({ length: 200 }, (_, i) => programFixture(`p${i}`, `Programme ${i} ${'x'.repeat(300)}`)));
  await store.close();
  return { u, t };
}

describe('refused starts', () => {
  it('names the file and says it is not a database (no stack)', async () => {
    const dir = freshDir();
    writeFileSync(sqliteFileOf(dir), 'this is not a database, just some text '.repeat(200));
    const err = await openStore({ store: { kind: 'sqlite' }, dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain(sqliteFileOf(dir));
    expect((err as Error).message).toMatch(/is not a SQLite database .*restore a backup/);
  });

  it('finds garbage pages at start and refuses the file as damaged', async () => {
    const dir = freshDir();
    await seeded(dir);
    const file = sqliteFileOf(dir);
    const fd = openSync(file, 'r+');
    // Overwrite pages in the middle (not the header): the file opens, its B-trees are garbage.
    const size = statSync(file).size;
    writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);
    const err = await openStore({ store: { kind: 'sqlite' }, dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is (damaged|not a SQLite database)`));
  });

  it.skipIf(userInfo().uid === 0)('says the directory is not writable (a read-only data dir)', async () => {
    const dir = freshDir();
    chmodSync(dir, 0o500);
    const err = await openStore({ store: { kind: 'sqlite' }, dataDir: dir }).catch((e: unknown) => e);
    chmodSync(dir, 0o700);
    expect((err as Error).message).toMatch(/cannot open .*resume\.sqlite for writing/);
  });

  it('the CLI prints one line naming the file, exit code 1', () => {
    const dir = freshDir();
    writeFileSync(sqliteFileOf(dir), 'garbage '.repeat(600));
    const r = spawnSync(process.execPath, ['server-mock/cli.ts', 'import-catalog', 'server-mock/demo/catalog.json', '--data', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*resume\.sqlite is not a SQLite database/);
  });
});

describe('run-time storage errors', () => {
  it('a full disk: STORAGE_FULL, reads keep working, every acknowledged report is still there', async () => {
    const dir = freshDir();
    const file = sqliteFileOf(dir);
    const raw = await openSqliteStore({ file, maxPageCount: 60 });
    const store = guardStore(raw, file);
    const u = userFixture('user-a');
    const t = terminalFixture('term-a', u.id);
    await store.createUser(u);
    await store.createTerminal(t);
    await store.upsertPrograms(Array.from({ length: 40 }, (_, i) => programFixture(`p${i}`, `P${i}`)));
    const acked: string[] = [];
    let full: unknown = null;
    for (let i = 0; i < 5_000 && !full; i++) {
      try {
        await store.applyReport(reportInput({ reportId: `r${i}-${'y'.repeat(200)}`, terminal: t, seq: i + 1, programId: `p${i % 40}` }));
        acked.push(`p${i % 40}`);
      } catch (err) {
        full = err;
      }
    }
    expect(full).toBeInstanceOf(AppError);
    expect((full as AppError).code).toBe('STORAGE_FULL');
    const rows = await store.listHistory(u.id);
    expect(rows.map((r) => r.programId).sort()).toEqual([...new Set(acked)].sort());
    expect(store.health().status).toBe('ok');
    await store.close();
  });

  it('a damaged database met at run time refuses writes and reports it in health', async () => {
    const dir = freshDir();
    const file = sqliteFileOf(dir);
    writeFileSync(file, 'not a database '.repeat(300));
    // A real SQLITE_NOTADB from node:sqlite, thrown by the store method.
    let realError: unknown;
    try {
      new DatabaseSync(file).prepare('SELECT 1 FROM sqlite_master').get();
    } catch (err) {
      realError = err;
    }
    const fake = await openSqliteStore({ file: ':memory:' });
    const broken = Object.assign(Object.create(fake) as object, { listHistory: async () => { throw realError; } }) as unknown as typeof fake;
    const store = guardStore(broken, file);
    await expect(store.listHistory('u')).rejects.toMatchObject({ code: 'STORAGE_DAMAGED' });
    expect(store.health()).toMatchObject({ status: 'damaged', where: file, action: expect.stringContaining('restore') });
    await expect(store.createUser(userFixture('user-b'))).rejects.toMatchObject({ code: 'STORAGE_DAMAGED' });
    expect(await store.countPrograms()).toBe(0); // reads that work keep working
    await fake.close();
  });
});
