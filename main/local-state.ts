/**
 * The PC app's local state, over the store: the terminal identity (credential encrypted with
 * the OS keychain through `safeStorage` where it is offered), settings, the durable outbox, the
 * home-page cache, the report sequence, and the main process's own preferences.
 *
 * Ownership and timing: one LocalState per app, in the main process only (electron-store is
 * not for renderers). Every write goes to the store before the method returns (electron-store
 * writes the file atomically and synchronously), so an IPC reply means "durable".
 */
import { DEFAULT_SETTINGS, type Settings, type TerminalIdentityRecord } from '../common/platform.ts';
import type { OutboxEntry } from '../common/outbox.ts';
import { MAX_CACHE_VALUE_BYTES, MAX_OUTBOX_ENTRIES, type PlaybackPosition } from '../common/ipc.ts';
import { AppError } from '../common/errors.ts';
import type { Logger } from './log.ts';
import type { StoreBackend } from './store-open.ts';
import type { LaunchPrefs, ServerPrefs, StoredSecret, WindowState } from './store-schema.ts';

/** Electron's `safeStorage`, reduced to what we use. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text` means a hard-coded key (no keyring); treated as unavailable. */
  getSelectedStorageBackend?(): string;
}

/** Most cache entries kept; the oldest go first. */
export const MAX_CACHE_ENTRIES = 50;

export class LocalState {
  readonly #store: StoreBackend;
  readonly #safe: SafeStorage;
  readonly #log: Logger;
  readonly #now: () => number;

  readonly #forgetUndecryptable: boolean;
  #warned = false;

  /**
   * `forgetUndecryptable: false` (set-top mode, which uses no keyring): a credential encrypted by
   * an earlier desktop run stays stored for the next one instead of being forgotten.
   */
  constructor(store: StoreBackend, safe: SafeStorage, log: Logger, now: () => number = Date.now, opts: { forgetUndecryptable?: boolean } = {}) {
    this.#forgetUndecryptable = opts.forgetUndecryptable ?? true;
    this.#store = store;
    this.#safe = safe;
    this.#log = log;
    this.#now = now;
  }

  /** True when secrets are really encrypted at rest (not with Chromium's fixed Linux key). */
  get encryptionAvailable(): boolean {
    try {
      if (!this.#safe.isEncryptionAvailable()) return false;
      return this.#safe.getSelectedStorageBackend?.() !== 'basic_text';
    } catch {
      return false;
    }
  }

  // -------------------------------------------------------------- identity

  /** The identity with its credential decrypted; null when none, or when it can no longer be decrypted. */
  loadIdentity(): TerminalIdentityRecord | null {
    const stored = this.#store.get('identity');
    if (!stored) return null;
    const credential = this.#reveal(stored.credential);
    if (credential === null) {
      if (!this.#forgetUndecryptable) return null;
      // The keychain changed (new OS user, reinstalled keyring): the credential is lost for
      // good; forgetting the identity lets the renderer link this PC again.
      this.#log.warn('stored terminal credential cannot be decrypted; forgetting the identity');
      this.#store.set('identity', null);
      return null;
    }
    const { credential: _secret, ...rest } = stored;
    return { ...rest, credential };
  }

  /** Store (credential encrypted where possible) or, with null, forget the identity. */
  saveIdentity(identity: TerminalIdentityRecord | null): void {
    if (identity === null) {
      this.#store.set('identity', null);
      return;
    }
    const { credential, ...rest } = identity;
    this.#store.set('identity', { ...rest, credential: this.#conceal(credential) });
  }

  /** Re-encrypt a credential stored in plain text (older layout, or a keychain that was missing then). */
  upgradeSecrets(): boolean {
    const stored = this.#store.get('identity');
    if (!stored || stored.credential.scheme !== 'plain' || !this.encryptionAvailable) return false;
    this.#store.set('identity', { ...stored, credential: this.#conceal(stored.credential.data) });
    return true;
  }

  #conceal(plain: string): StoredSecret {
    if (!this.encryptionAvailable) return { scheme: 'plain', data: plain };
    return { scheme: 'safeStorage', data: this.#safe.encryptString(plain).toString('base64') };
  }

  #reveal(secret: StoredSecret): string | null {
    if (secret.scheme === 'plain') return secret.data;
    try {
      return this.#safe.decryptString(Buffer.from(secret.data, 'base64'));
    } catch (err) {
      // Once: in set-top mode every read would say it again.
      if (!this.#warned) this.#log.warn('safeStorage.decryptString failed', String(err));
      this.#warned = true;
      return null;
    }
  }

  // -------------------------------------------------------------- settings

  /** Current settings with defaults filled in. */
  loadSettings(): Settings {
    return { ...DEFAULT_SETTINGS, ...this.#store.get('settings') };
  }

  /** Apply a (validated) patch; returns the whole new settings. */
  saveSettings(patch: Partial<Settings>): Settings {
    const next: Settings = { ...this.loadSettings(), ...patch };
    this.#store.set('settings', next);
    return next;
  }

  // -------------------------------------------------------------- outbox

  /** Every stored entry of the outbox, oldest first. */
  outboxLoad(_name: 'reports'): OutboxEntry<unknown>[] {
    return [...this.#store.get('outbox').reports].sort((a, b) => a.seq - b.seq);
  }

  /** Persist an entry; an entry with the same seq is replaced (a retried append). */
  outboxAppend(_name: 'reports', entry: OutboxEntry<unknown>): void {
    const item = jsonClone(entry.item, 'outbox item');
    const entries = this.outboxLoad('reports').filter((e) => e.seq !== entry.seq);
    entries.push({ seq: entry.seq, item });
    entries.sort((a, b) => a.seq - b.seq);
    if (entries.length > MAX_OUTBOX_ENTRIES) {
      const dropped = entries.splice(0, entries.length - MAX_OUTBOX_ENTRIES);
      this.#log.warn(`outbox full: dropped the ${dropped.length} oldest entries`);
    }
    this.#store.set('outbox', { reports: entries });
  }

  /**
   * Append an item the main process produced itself (a stop recorded on suspend, shutdown or a
   * crash), after every stored entry. A live renderer's Outbox numbers its entries from its own
   * counter (small integers, loaded at its start), so main's entries take a position from the
   * clock instead (above any such counter): neither can replace the other's entry.
   */
  outboxAppendItem(name: 'reports', item: unknown): OutboxEntry<unknown> {
    const last = this.outboxLoad(name).at(-1)?.seq ?? 0;
    const entry = { seq: Math.max(last + 1, this.#now()), item };
    this.outboxAppend(name, entry);
    return entry;
  }

  /** Forget entries by seq. */
  outboxRemove(_name: 'reports', seqs: readonly number[]): void {
    const gone = new Set(seqs);
    const entries = this.outboxLoad('reports');
    const kept = entries.filter((e) => !gone.has(e.seq));
    if (kept.length !== entries.length) this.#store.set('outbox', { reports: kept });
  }

  // -------------------------------------------------------------- cache

  /** A cached value, or null. */
  cacheGet(key: string): unknown {
    return this.#store.get('cache')[key]?.value ?? null;
  }

  /** Cache a JSON value; null or undefined deletes the key. Oldest entries go past the limit. */
  cacheSet(key: string, value: unknown): void {
    const cache = { ...this.#store.get('cache') };
    if (value === null || value === undefined) {
      delete cache[key];
    } else {
      cache[key] = { savedAt: this.#now(), value: jsonClone(value, 'cache value', MAX_CACHE_VALUE_BYTES) };
      const keys = Object.keys(cache).sort((a, b) => (cache[a]?.savedAt ?? 0) - (cache[b]?.savedAt ?? 0));
      for (const old of keys.slice(0, Math.max(0, keys.length - MAX_CACHE_ENTRIES))) delete cache[old];
    }
    this.#store.set('cache', cache);
  }

  // -------------------------------------------------------------- report sequence

  /** The next report sequence: above every earlier one and above `atLeast`; stored before returning. */
  nextSeq(atLeast = 0): number {
    const next = Math.max(this.#store.get('seq'), atLeast) + 1;
    if (!Number.isSafeInteger(next)) throw new AppError('VALIDATION_FAILED', 'Sequence exhausted');
    this.#store.set('seq', next);
    return next;
  }

  // -------------------------------------------------------------- main-process preferences

  /** What is playing, as last reported. */
  get playback(): PlaybackPosition | null {
    return this.#store.get('playback');
  }
  set playback(position: PlaybackPosition | null) {
    this.#store.set('playback', position);
  }

  get window(): WindowState | null {
    return this.#store.get('window');
  }
  set window(state: WindowState | null) {
    this.#store.set('window', state);
  }

  get launch(): LaunchPrefs {
    return this.#store.get('launch');
  }
  set launch(prefs: LaunchPrefs) {
    this.#store.set('launch', prefs);
  }

  get server(): ServerPrefs {
    return this.#store.get('server');
  }
  set server(prefs: ServerPrefs) {
    this.#store.set('server', prefs);
  }
}

/** A JSON copy of a value (what the store can hold), refusing what is too large. */
function jsonClone(value: unknown, what: string, maxBytes = 256 * 1024): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new AppError('VALIDATION_FAILED', `${what} is not JSON`);
  if (text.length > maxBytes) throw new AppError('BODY_TOO_LARGE', `${what} is larger than ${maxBytes} bytes`);
  return JSON.parse(text) as unknown;
}
