/**
 * Online backup and restore of the SQLite store, through SQLite's backup API (`node:sqlite`'s
 * `backup`): a consistent copy while the server keeps running (WAL readers and writers are
 * not blocked), verified after writing, renamed into place only when complete. Restore checks
 * the backup (integrity, schema history) before anything is replaced, and keeps the replaced
 * file beside it. Scheduled backups keep the newest `keep` copies. PostgreSQL: pg_dump
 * (docs/DEPLOY.md), not this file.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync, backup } from 'node:sqlite';
import { checkApplied } from './migrations.ts';

/** Check a SQLite file is a sound database of ours; throws with the reason. */
export function verifySqliteFile(file: string): { version: number } {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[];
    if (rows[0]?.quick_check !== 'ok') throw new Error(`${file} is damaged: ${rows.map((r) => r.quick_check).join('; ')}`);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
    checkApplied(applied);
    return { version: applied.reduce((m, a) => Math.max(m, a.version), 0) };
  } finally {
    db.close();
  }
}

/** Copy the live database `source` to `dest` (online), verified; returns pages copied. */
export async function backupSqlite(source: string, dest: string): Promise<{ pages: number }> {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  const db = new DatabaseSync(source, { readOnly: true });
  let pages: number;
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    pages = await backup(db, tmp);
  } finally {
    db.close();
  }
  try {
    verifySqliteFile(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, dest);
  return { pages };
}

/**
 * Replace `target` with the backup `from` (the server must be stopped). The backup is checked
 * first; the replaced file is kept as `<target>.before-restore-<time>`.
 */
export async function restoreSqlite(from: string, target: string, now = Date.now()): Promise<{ version: number; keptAs: string | null }> {
  const { version } = verifySqliteFile(from);
  const tmp = `${target}.restoring`;
  rmSync(tmp, { force: true });
  const src = new DatabaseSync(from, { readOnly: true });
  try {
    await backup(src, tmp);
  } finally {
    src.close();
  }
  let keptAs: string | null = null;
  if (existsSync(target)) {
    keptAs = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, keptAs);
  }
  // The old file's WAL and shared memory belong to it, never to the restored one.
  for (const f of [`${target}-wal`, `${target}-shm`]) {
    if (existsSync(f) && keptAs) renameSync(f, `${keptAs}${f.slice(target.length)}`);
    else rmSync(f, { force: true });
  }
  renameSync(tmp, target);
  return { version, keptAs };
}

/** Backups made by the schedule, newest first. */
export function listBackups(dir: string, file: string): string[] {
  if (!existsSync(dir)) return [];
  const stem = basename(file, '.sqlite');
  return readdirSync(dir).filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.sqlite')).sort().reverse().map((f) => join(dir, f));
}

/** Options of the backup schedule. */
export interface BackupSchedule {
  file: string;
  dir: string;
  intervalMs: number;
  /** How many backups to keep (older ones are deleted after a successful backup). */
  keep: number;
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  now?: () => number;
}

/** One scheduled backup now: copy, then prune. Returns the new file. */
export async function runScheduledBackup(o: BackupSchedule): Promise<string> {
  const stamp = new Date((o.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
  const dest = join(o.dir, `${basename(o.file, '.sqlite')}-${stamp}.sqlite`);
  const { pages } = await backupSqlite(o.file, dest);
  const old = listBackups(o.dir, o.file).slice(o.keep);
  for (const f of old) rmSync(f, { force: true });
  o.log.info({ dest, pages, pruned: old.length }, 'backup written');
  return dest;
}

/** Start the schedule; returns the stop function. */
export function startBackupSchedule(o: BackupSchedule): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runScheduledBackup(o)
      .catch((err: unknown) => o.log.error({ err, dir: o.dir }, 'scheduled backup failed'))
      .finally(() => (running = false));
  }, o.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
