/**
 * Opens the local store with its schema and migrations, and recovers from a damaged file: a
 * file that is not JSON, or that the schema rejects even after migrating, is moved aside
 * (`<name>.corrupt-<time>.json`, kept for support) and a fresh store is started, so the app
 * always starts. The store factory is injected: electron-store in the app, `conf` in tests.
 */
import { chmodSync, existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_DEFAULTS, STORE_MIGRATIONS, STORE_NAME, storeSchema, type StoreShape } from './store-schema.ts';

/** The few store operations the main process uses (electron-store and conf both fit). */
export interface StoreBackend<T extends Record<string, unknown> = StoreShape> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
  /** The file behind the store. */
  readonly path: string;
}

/** Options both electron-store and conf accept for our store. */
export interface StoreOptions {
  name: string;
  schema: ReturnType<typeof storeSchema>;
  defaults: StoreShape;
  migrations: typeof STORE_MIGRATIONS;
  /** The running app version: migrations up to it run once. */
  projectVersion: string;
  /** Never silently wipe a file the schema rejects: we move it aside ourselves. */
  clearInvalidConfig: false;
  /** The file holds the terminal credential (plain where no keyring is used): owner only. */
  configFileMode: 0o600;
}

/** The options for the running app version. */
export function storeOptions(projectVersion: string): StoreOptions {
  return {
    name: STORE_NAME,
    schema: storeSchema(),
    defaults: structuredClone(STORE_DEFAULTS),
    migrations: STORE_MIGRATIONS,
    projectVersion,
    clearInvalidConfig: false,
    configFileMode: 0o600,
  };
}

/** What opening found. */
export interface OpenedStore {
  store: StoreBackend;
  /** Where a damaged file was moved, when one was. */
  movedAside: string | null;
}

/**
 * Open the store in `dir` (electron-store: userData). `create` builds the store from options;
 * if it throws, the file is moved aside and `create` runs once more on an empty directory.
 */
export function openStore(dir: string, projectVersion: string, create: (options: StoreOptions) => StoreBackend, now: () => number = Date.now): OpenedStore {
  try {
    const store = create(storeOptions(projectVersion));
    // A file written before configFileMode (0644): tighten it now, not at its next write.
    tighten(store.path);
    return { store, movedAside: null };
  } catch (err) {
    const file = join(dir, `${STORE_NAME}.json`);
    if (!existsSync(file)) throw err;
    const aside = join(dir, `${STORE_NAME}.corrupt-${now()}.json`);
    renameSync(file, aside);
    tighten(aside);
    const store = create(storeOptions(projectVersion));
    tighten(store.path);
    return { store, movedAside: aside };
  }
}

/** chmod 0600 where the OS has modes (Windows: userData is per-user already). */
function tighten(file: string): void {
  if (process.platform === 'win32' || !existsSync(file)) return;
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
