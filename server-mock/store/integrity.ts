/**
 * Storage integrity around any Store: a database found damaged (SQLite's SQLITE_CORRUPT /
 * SQLITE_NOTADB at run time, PostgreSQL's data-corrupted errors) switches the store to
 * refusing writes (`STORAGE_DAMAGED`) while reads that still work keep working, and /healthz
 * reports it with the file and one line saying what to do; a full disk (SQLITE_FULL,
 * PostgreSQL's disk_full) is `STORAGE_FULL` — the write was rolled back, nothing acknowledged
 * is lost, and the next write tries again. Also: the one-line reason a store could not be opened.
 */
import { AppError } from '../../common/errors.ts';
import type { Store } from './types.ts';

/** What /healthz says about storage. */
export interface StorageHealth {
  status: 'ok' | 'damaged';
  /** The SQLite file or the (password-less) database URL. */
  where: string;
  /** What went wrong (absent when ok). */
  problem?: string;
  /** What the operator should do, one line (absent when ok). */
  action?: string;
}

/** A Store with its storage health. */
export type GuardedStore = Store & { health(): StorageHealth };

// SQLite primary result codes (node:sqlite puts the extended code in `errcode`).
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_NOTADB = 26;

/** How a storage error reads. */
export function classifyStorageError(err: unknown): 'damaged' | 'full' | null {
  const e = err as { errcode?: number; code?: string; message?: string } | null;
  if (!e) return null;
  const primary = typeof e.errcode === 'number' ? e.errcode & 0xff : -1;
  if (primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB || e.code === 'XX001' || e.code === 'XX002') return 'damaged';
  if (primary === SQLITE_FULL || e.code === '53100') return 'full';
  return null;
}

/** Method names that only read (everything else is refused while the database is damaged). */
const READS = /^(get|find|list|count)/;

/** Wrap a store: storage errors become stable codes, a damaged database refuses writes. */
export function guardStore(store: Store, where: string): GuardedStore {
  let damaged: { problem: string } | null = null;
  const action = store.kind === 'sqlite'
    ? `stop the server and restore a backup: npm run server -- restore BACKUP (or move ${where} away to start empty)`
    : 'check the PostgreSQL server (its log, pg_amcheck) and restore from pg_dump if needed';
  const refuseDamaged = () =>
    new AppError('STORAGE_DAMAGED', `The server's database is damaged (${where}); writes are refused until it is restored`);
  const wrap = (name: string, fn: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    if (damaged && !READS.test(name) && name !== 'close') throw refuseDamaged();
    try {
      return await fn.apply(store, args);
    } catch (err) {
      const kind = classifyStorageError(err);
      if (kind === 'damaged') {
        damaged ??= { problem: (err as Error).message };
        throw refuseDamaged();
      }
      if (kind === 'full') {
        throw new AppError('STORAGE_FULL', `The server's storage is full (${where}); nothing was written. Retry once space is freed`);
      }
      throw err;
    }
  };
  const guarded = new Proxy(store, {
    // `'health' in store` is how the server tells a guarded store (app.ts's /healthz).
    has: (target, prop) => prop === 'health' || Reflect.has(target, prop),
    get(target, prop, receiver) {
      if (prop === 'health') {
        return (): StorageHealth => (damaged ? { status: 'damaged', where, problem: damaged.problem, action } : { status: 'ok', where });
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' && typeof prop === 'string' ? wrap(prop, v as (...args: unknown[]) => Promise<unknown>) : v;
    },
  });
  return guarded as GuardedStore;
}

/** A store that could not be opened: the message names the place, the reason and what to do. */
export class StoreOpenError extends Error {
  /** A stable code for logs. */
  readonly code = 'STORE_OPEN_FAILED';
  override readonly name = 'StoreOpenError';
}

/** The one-line reason for an open failure of the store at `where`. */
export function openFailure(where: string, err: unknown): StoreOpenError {
  const e = err as { errcode?: number; code?: string; message?: string };
  const msg = e?.message ?? String(err);
  const primary = typeof e?.errcode === 'number' ? e.errcode & 0xff : -1;
  let line: string;
  if (primary === SQLITE_NOTADB || /not a database/i.test(msg)) {
    line = `${where} is not a SQLite database (damaged, or another kind of file): restore a backup (npm run server -- restore BACKUP) or move it away to start empty`;
  } else if (primary === SQLITE_CORRUPT || /malformed|damaged|quick_check/i.test(msg)) {
    line = `${where} is damaged (${msg}): restore a backup (npm run server -- restore BACKUP) or move it away to start empty`;
  } else if (/readonly|read-only|unable to open|EACCES|EROFS|EPERM/i.test(msg) || primary === 8 || primary === 14) {
    line = `cannot open ${where} for writing (${msg}): the directory must be writable by this user (a read-only mount, or wrong owner?)`;
  } else if (/ECONNREFUSED|ENOTFOUND|password authentication|does not exist|timeout/i.test(msg)) {
    line = `cannot reach the database at ${where} (${msg}): check --store / RA_DATABASE_URL and that PostgreSQL is running`;
  } else {
    line = `cannot open the store at ${where}: ${msg}`;
  }
  return new StoreOpenError(line, { cause: err });
}
