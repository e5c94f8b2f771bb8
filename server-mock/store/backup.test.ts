/**
 * Online backup while the store is open and being written, restore over a damaged file, the
 * CLI commands, and the schedule's retention — all on real SQLite files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportInput, terminalFixture, userFixture, programFixture } from './conformance.ts';
import { backupSqlite, listBackups, restoreSqlite, runScheduledBackup } from './backup.ts';
import { openStore, sqliteFileOf } from './open.ts';

const root = mkdtempSync(join(tmpdir(), 'ra-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, `d${++n}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const silent = { info: () => {}, error: () => {} };

describe('backup and restore (SQLite)', () => {
  it('backs up online while writing, and restores the copy over a damaged file', async () => {
    const dir = freshDir();
    const store = await openStore({ store: { kind: 'sqlite' }, dataDir: dir });
    const u = userFixture('user-a');
    const t = terminalFixture('term-a', u.id);
    await store.createUser(u);
    await store.createTerminal(t);
    await store.upsertPrograms([programFixture('sintel', 'Sintel')]);
    await store.applyReport(reportInput({ reportId: 'r1', terminal: t, seq: 1 }));
    const copy = join(root, `copy-${n}.sqlite`);
    // Writes keep going during the backup (the store stays open).
    const writing = store.applyReport(reportInput({ reportId: 'r2', terminal: t, seq: 2 }));
    await backupSqlite(sqliteFileOf(dir), copy);
    await writing;
    await store.close();

    writeFileSync(sqliteFileOf(dir), 'damaged '.repeat(500));
    const { keptAs } = await restoreSqlite(copy, sqliteFileOf(dir));
    expect(keptAs && existsSync(keptAs)).toBe(true);
    const back = await openStore({ store: { kind: 'sqlite' }, dataDir: dir });
    const [row] = await back.listHistory(u.id);
    expect(row?.seq).toBeGreaterThanOrEqual(1);
    expect((await back.getUser(u.id))?.login).toBe(u.login);
    await back.close();
  });

  it('refuses to restore a file that is not a sound backup, changing nothing', async () => {
    const dir = freshDir();
    await (await openStore({ store: { kind: 'sqlite' }, dataDir: dir })).close();
    const bad = join(root, `bad-${n}.sqlite`);
    writeFileSync(bad, 'nope '.repeat(300));
    await expect(restoreSqlite(bad, sqliteFileOf(dir))).rejects.toThrow();
    await (await openStore({ store: { kind: 'sqlite' }, dataDir: dir })).close();
  });

  it('keeps the newest N scheduled backups', async () => {
    const dir = freshDir();
    await (await openStore({ store: { kind: 'sqlite' }, dataDir: dir })).close();
    const out = join(dir, 'backups');
    for (let i = 0; i < 4; i++) {
      await runScheduledBackup({ file: sqliteFileOf(dir), dir: out, intervalMs: 1, keep: 2, log: silent, now: () => 1_700_000_000_000 + i * 1000 });
    }
    const kept = listBackups(out, sqliteFileOf(dir));
    expect(kept).toHaveLength(2);
    expect(kept[0]).toContain('2023-11-14T22-13-23');
  });

  it('npm run server -- backup / restore', () => {
    const dir = freshDir();
    const file = join(root, `cli-${n}.sqlite`);
    const cli = (...args: string[]) => spawnSync(process.execPath, ['server-mock/cli.ts', ...args, '--data', dir], { encoding: 'utf8' });
    const init = cli('import-catalog', 'server-mock/demo/catalog.json');
    expect(init.status, init.stderr).toBe(0);
    const b = cli('backup', file);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/backed up .* \(\d+ pages, verified\)/);
    const r = cli('restore', file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/restored .* \(schema version \d+\)/);
  });
});
