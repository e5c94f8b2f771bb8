/**
 * Test doubles for the injected Electron interfaces: an in-memory store backend, a
 * safeStorage that really transforms (so a test can tell ciphertext from plain text), and a
 * conf-backed store (electron-store's own engine) for schema and migration tests.
 */
import Conf from 'conf';
import type { SafeStorage } from '../local-state.ts';
import type { StoreBackend, StoreOptions } from '../store-open.ts';
import { STORE_DEFAULTS, type StoreShape } from '../store-schema.ts';

/** A store in memory (no schema: the schema tests use `confStore`). */
export function memoryStore(initial: Partial<StoreShape> = {}): StoreBackend & { data: StoreShape; writes: number } {
  const data: StoreShape = { ...structuredClone(STORE_DEFAULTS), ...structuredClone(initial) };
  const backend = {
    data,
    writes: 0,
    path: ':memory:',
    get: <K extends keyof StoreShape>(key: K) => structuredClone(data[key]),
    set: <K extends keyof StoreShape>(key: K, value: StoreShape[K]) => {
      data[key] = structuredClone(value);
      backend.writes++;
    },
  };
  return backend;
}

/** A reversible "encryption" with a marker, and switches for availability and failure. */
export function fakeSafeStorage(opts: { available?: boolean; backend?: string; failDecrypt?: boolean } = {}): SafeStorage & { available: boolean; failDecrypt: boolean } {
  const s = {
    available: opts.available ?? true,
    failDecrypt: opts.failDecrypt ?? false,
    isEncryptionAvailable: () => s.available,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString: (plain: string) => Buffer.from(`enc:${[...plain].reverse().join('')}`, 'utf8'),
    decryptString: (buf: Buffer) => {
      if (s.failDecrypt) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const text = buf.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('not ours');
      return [...text.slice(4)].reverse().join('');
    },
  };
  return s;
}

/** A store built by `conf` (electron-store minus Electron) in `dir`, with our options. */
export function confStoreFactory(dir: string): (o: StoreOptions) => StoreBackend {
  return (o) => {
    const { name, ...rest } = o;
    return new Conf({ ...rest, configName: name, cwd: dir, projectName: 'resume-anywhere-test' } as never) as unknown as StoreBackend;
  };
}
