/**
 * The layout of the PC app's local store (electron-store, one JSON file in userData): its
 * JSON Schema, defaults and migrations. Pure data, so the same options build the real
 * electron-store in main/index.ts and a plain `conf` store (electron-store's engine) in tests.
 *
 * Migrations are keyed by the app version that introduced a layout (electron-store runs every
 * step between the version that last wrote the file and the running one, once). A store that
 * the schema rejects even after migrating is moved aside and replaced (main/store-open.ts).
 */
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { MAX_OUTBOX_ENTRIES, OutboxEntrySchema, PlaybackPosition, Seq } from '../common/ipc.ts';
import { DEFAULT_SETTINGS, Settings, TerminalIdentityRecord } from '../common/platform.ts';

/** File name of the store (without `.json`), in userData. */
export const STORE_NAME = 'resume-anywhere';

/** A secret at rest: `safeStorage` ciphertext (base64) where the OS offers it, else plain. */
export const StoredSecret = Type.Object(
  {
    scheme: Type.Union([Type.Literal('safeStorage'), Type.Literal('plain')]),
    data: Type.String({ maxLength: 4000 }),
  },
  { additionalProperties: false },
);
export type StoredSecret = Static<typeof StoredSecret>;

/** The identity as stored: the record without its credential, plus the credential at rest. */
export const StoredIdentity = Type.Object(
  {
    serverUrl: TerminalIdentityRecord.properties.serverUrl,
    terminalId: TerminalIdentityRecord.properties.terminalId,
    terminalName: TerminalIdentityRecord.properties.terminalName,
    terminalType: TerminalIdentityRecord.properties.terminalType,
    login: TerminalIdentityRecord.properties.login,
    credential: StoredSecret,
  },
  { additionalProperties: false },
);
export type StoredIdentity = Static<typeof StoredIdentity>;

/** Where the window was, so it comes back there. */
export const WindowState = Type.Object(
  {
    x: Type.Optional(Type.Integer()),
    y: Type.Optional(Type.Integer()),
    width: Type.Integer({ minimum: 200, maximum: 20_000 }),
    height: Type.Integer({ minimum: 150, maximum: 20_000 }),
    maximized: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type WindowState = Static<typeof WindowState>;

/** How the app starts (main-process settings, not the renderer's). */
export const LaunchPrefs = Type.Object(
  {
    /** Start in set-top (kiosk) mode even without `--kiosk`. */
    kiosk: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LaunchPrefs = Static<typeof LaunchPrefs>;

/** The embedded household server. */
export const ServerPrefs = Type.Object(
  {
    /** Listen on every interface, so a TV or phone on the same network can join (off until the user turns it on). */
    lanAccess: Type.Boolean(),
    /** The port it got last time, tried after the default 8750 so the TV's address stays the same. */
    lastPort: Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.Null()]),
    /** Media folders chosen with Household → Add Folder…, given to the server as `--library` (optional: older files have none). */
    libraryFolders: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type ServerPrefs = Static<typeof ServerPrefs>;

/** One cached value. */
export const CacheEntry = Type.Object({ savedAt: Type.Integer({ minimum: 0 }), value: Type.Unknown() }, { additionalProperties: false });
export type CacheEntry = Static<typeof CacheEntry>;

/** Stored outboxes by name. */
export const StoredOutboxes = Type.Object({ reports: Type.Array(OutboxEntrySchema, { maxItems: MAX_OUTBOX_ENTRIES }) }, { additionalProperties: false });

/** Every top-level key of the store and its schema. */
export const STORE_PROPERTIES = {
  settings: Settings,
  identity: Type.Union([StoredIdentity, Type.Null()]),
  outbox: StoredOutboxes,
  /** The last report sequence handed out. */
  seq: Seq,
  cache: Type.Record(Type.String(), CacheEntry),
  window: Type.Union([WindowState, Type.Null()]),
  launch: LaunchPrefs,
  server: ServerPrefs,
  /** What was playing when the renderer last said so; null once it queued its stop. */
  playback: Type.Union([PlaybackPosition, Type.Null()]),
} as const;

/** The whole store. */
export type StoreShape = { [K in keyof typeof STORE_PROPERTIES]: Static<(typeof STORE_PROPERTIES)[K]> };

/** A fresh install. */
export const STORE_DEFAULTS: StoreShape = {
  settings: DEFAULT_SETTINGS,
  identity: null,
  outbox: { reports: [] },
  seq: 0,
  cache: {},
  window: null,
  launch: { kiosk: false },
  server: { lanAccess: false, lastPort: null, libraryFolders: [] },
  playback: null,
};

/** The `schema` option of electron-store / conf: each key's JSON Schema with its default. */
export function storeSchema(): Record<keyof StoreShape, TSchema & { default: unknown }> {
  const entries = Object.entries(STORE_PROPERTIES).map(([key, schema]) => [
    key,
    // TypeBox schemas are plain JSON Schema; a structured clone drops nothing ajv needs.
    { ...structuredClone(schema), default: structuredClone(STORE_DEFAULTS[key as keyof StoreShape]) },
  ]);
  return Object.fromEntries(entries) as Record<keyof StoreShape, TSchema & { default: unknown }>;
}

/** What a migration step may do to the store (the subset of electron-store's API it uses). */
export interface MigrationStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/**
 * Migrations by the app version that introduced a layout.
 *
 * 0.1.0 — the first versioned layout. Files written before versioning kept the identity under
 * `terminal` with a plain `credential`, the outbox as a bare array `outbox`, and the report
 * counter as `lastSeq`. They move into place; the credential is re-encrypted with safeStorage
 * at the next start (LocalState.upgradeSecrets), not here, because a migration has no OS
 * keychain.
 */
export const STORE_MIGRATIONS: Record<string, (store: MigrationStore) => void> = {
  '0.1.0': (store) => {
    if (store.has('terminal')) {
      const old = store.get('terminal') as Partial<Record<string, unknown>> | null;
      store.delete('terminal');
      if (old && typeof old === 'object' && typeof old.credential === 'string') {
        const identity = {
          serverUrl: String(old.serverUrl ?? ''),
          terminalId: String(old.terminalId ?? old.id ?? ''),
          terminalName: String(old.terminalName ?? old.name ?? 'PC'),
          terminalType: 'pc',
          login: String(old.login ?? ''),
          credential: { scheme: 'plain', data: old.credential },
        };
        // An identity that does not fit is dropped (the PC is linked again), never the whole store.
        if (Value.Check(StoredIdentity, identity)) store.set('identity', identity);
      }
    }
    const outbox = store.get('outbox');
    if (Array.isArray(outbox)) store.set('outbox', { reports: outbox });
    if (store.has('lastSeq')) {
      const last = Number(store.get('lastSeq'));
      store.delete('lastSeq');
      if (Number.isSafeInteger(last) && last >= 0) store.set('seq', last);
    }
  },
};
