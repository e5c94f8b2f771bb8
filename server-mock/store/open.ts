/**
 * The one place that opens global's store from configuration: the server, the CLI, the test
 * harness and the benchmarks all call `openStore`, so `--store` means the same everywhere.
 * SQLite (the default) is `<data>/resume.sqlite`; PostgreSQL is the configured URL.
 */
import { join } from 'node:path';
import type { StoreSpec } from '../config.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import { guardStore, openFailure, type GuardedStore } from './integrity.ts';
import type { Store } from './types.ts';

/** What `openStore` needs (a subset of Config, so tools can pass just these). */
export interface OpenStoreOptions {
  store: StoreSpec;
  /** Data directory (holds the SQLite file). */
  dataDir: string;
  /** SQLite durability (ignored by PostgreSQL, which always commits durably). */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** PostgreSQL pool size per process. */
  dbPoolSize?: number;
  /** PostgreSQL schema (tests and benchmarks isolate runs with it); default `public`. */
  pgSchema?: string;
}

/** The SQLite file of a data directory. */
export const sqliteFileOf = (dataDir: string): string => join(dataDir, 'resume.sqlite');

/**
 * Open (creating, checking and migrating if needed) the configured store, guarded for storage
 * errors (integrity.ts). A failure is a StoreOpenError naming the place and the reason.
 */
export async function openStore(opts: OpenStoreOptions): Promise<GuardedStore> {
  const where = describeStore(opts);
  let store: Store;
  try {
    store = await openRaw(opts);
  } catch (err) {
    if ((err as { code?: string }).code === 'STORE_SCHEMA_VERSION') throw err;
    throw openFailure(where, err);
  }
  return guardStore(store, where);
}

async function openRaw(opts: OpenStoreOptions): Promise<Store> {
  const spec = opts.store;
  switch (spec.kind) {
    case 'sqlite':
      return openSqliteStore({ file: sqliteFileOf(opts.dataDir), synchronous: opts.sqliteSynchronous });
    case 'postgres':
      return openPostgresStore({ url: spec.url, poolSize: opts.dbPoolSize, schema: opts.pgSchema });
    default: {
      const never: never = spec;
      throw new Error(`unknown store ${JSON.stringify(never)}`);
    }
  }
}

/** Where the store lives, for logs and messages (a password in the URL is hidden). */
export function describeStore(opts: Pick<OpenStoreOptions, 'store' | 'dataDir'>): string {
  return opts.store.kind === 'sqlite' ? sqliteFileOf(opts.dataDir) : opts.store.url.replace(/:[^:@/]*@/, ':***@');
}
