/**
 * The store's schema and migrations, with `conf` — electron-store's engine, the same options
 * and the same file format — since electron-store itself needs Electron's `app`.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../common/platform.ts';
import { LocalState } from './local-state.ts';
import { memoryLogger } from './log.ts';
import { openStore } from './store-open.ts';
import { STORE_DEFAULTS, STORE_NAME } from './store-schema.ts';
import { confStoreFactory, fakeSafeStorage } from './testing/fakes.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ra-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, `${STORE_NAME}.json`);
const open = (version = '0.1.0') => openStore(dir, version, confStoreFactory(dir), () => 1234);
const onDisk = () => JSON.parse(readFileSync(file(), 'utf8')) as Record<string, unknown>;

describe('store file mode (it holds the terminal credential)', () => {
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
  it.skipIf(process.platform === 'win32')('writes 0600, and tightens a file an older version left 0644', () => {
    const { store } = open();
    store.set('seq', 1);
    expect(mode(file())).toBe('600');
    chmodSync(file(), 0o644);
    open();
    expect(mode(file())).toBe('600');
  });
});

describe('store schema', () => {
  it('starts with the defaults and records the layout version', () => {
    const { store, movedAside } = open();
    expect(movedAside).toBeNull();
    for (const key of Object.keys(STORE_DEFAULTS) as (keyof typeof STORE_DEFAULTS)[]) expect(store.get(key)).toEqual(STORE_DEFAULTS[key]);
    store.set('seq', 1);
    expect(onDisk()).toMatchObject({ seq: 1, settings: DEFAULT_SETTINGS, __internal__: { migrations: { version: '0.1.0' } } });
  });

  it.each([
    ['settings', { ...DEFAULT_SETTINGS, mode: 'cinema' }],
    ['seq', -1],
    ['seq', 'seven'],
    ['identity', { terminalId: 'x' }],
    ['outbox', { reports: [{ seq: 'a', item: 1 }] }],
    ['outbox', []],
    ['window', { width: 10, height: 10, maximized: false }],
    ['server', { lanAccess: 'yes', lastPort: null }],
    ['playback', { programId: 'harbour-lights' }],
  ] as const)('refuses to write %s = %j', (key, value) => {
    const { store } = open();
    expect(() => store.set(key as 'seq', value as never)).toThrow(/schema/i);
    expect(store.get(key as 'seq')).toEqual(STORE_DEFAULTS[key as 'seq']);
  });

  it('keeps what LocalState writes across a reopen (a real round trip through the file)', () => {
    const state = new LocalState(open().store, fakeSafeStorage(), memoryLogger());
    state.saveIdentity({
      serverUrl: 'http://127.0.0.1:8750',
      terminalId: 'term_0123456789',
      terminalName: 'PC',
      terminalType: 'pc',
      credential: 'rat_secret_value_123',
      login: 'demo@resume.local',
    });
    state.outboxAppend('reports', { seq: 1, item: { reportId: 'r1' } });
    state.cacheSet('home:x', { rows: [1, 2] });
    state.nextSeq(10);
    expect(readFileSync(file(), 'utf8')).not.toContain('rat_secret_value_123');
    const again = new LocalState(open().store, fakeSafeStorage(), memoryLogger());
    expect(again.loadIdentity()?.credential).toBe('rat_secret_value_123');
    expect(again.outboxLoad('reports')).toEqual([{ seq: 1, item: { reportId: 'r1' } }]);
    expect(again.cacheGet('home:x')).toEqual({ rows: [1, 2] });
    expect(again.nextSeq()).toBe(12);
  });
});

describe('store migrations', () => {
  const legacy = {
    terminal: { id: 'term_0123456789', name: 'Study PC', serverUrl: 'http://192.168.1.5:8750', login: 'demo@resume.local', credential: 'rat_legacy_plain_cred' },
    outbox: [{ seq: 4, item: { reportId: 'legacy-1' } }],
    lastSeq: 17,
  };

  it('0.1.0 moves an unversioned layout into place', () => {
    writeFileSync(file(), JSON.stringify(legacy));
    const { store } = open('0.1.0');
    expect(store.get('identity')).toEqual({
      serverUrl: 'http://192.168.1.5:8750',
      terminalId: 'term_0123456789',
      terminalName: 'Study PC',
      terminalType: 'pc',
      login: 'demo@resume.local',
      credential: { scheme: 'plain', data: 'rat_legacy_plain_cred' },
    });
    expect(store.get('outbox')).toEqual({ reports: [{ seq: 4, item: { reportId: 'legacy-1' } }] });
    expect(store.get('seq')).toBe(17);
    const disk = onDisk();
    expect(disk).not.toHaveProperty('terminal');
    expect(disk).not.toHaveProperty('lastSeq');
    expect(disk).toMatchObject({ __internal__: { migrations: { version: '0.1.0' } } });
  });

  it('then the credential is encrypted at the next start, where a keychain exists', () => {
    writeFileSync(file(), JSON.stringify(legacy));
    const state = new LocalState(open().store, fakeSafeStorage(), memoryLogger());
    expect(state.upgradeSecrets()).toBe(true);
    expect(readFileSync(file(), 'utf8')).not.toContain('rat_legacy_plain_cred');
    expect(state.loadIdentity()?.credential).toBe('rat_legacy_plain_cred');
    expect(state.upgradeSecrets()).toBe(false);
  });

  it('drops a legacy identity that does not fit, never the rest of the store', () => {
    writeFileSync(file(), JSON.stringify({ ...legacy, terminal: { id: '!', credential: 'rat_legacy_plain_cred' } }));
    const { store, movedAside } = open();
    expect(movedAside).toBeNull();
    expect(store.get('identity')).toBeNull();
    expect(store.get('outbox').reports).toHaveLength(1);
  });

  it('runs once: a store already at 0.1.0 is not migrated again', () => {
    open().store.set('seq', 5);
    // A key the 0.1.0 step would rewrite if it ran again.
    const disk = onDisk();
    writeFileSync(file(), JSON.stringify({ ...disk, lastSeq: 99 }));
    const { store } = open();
    expect(store.get('seq')).toBe(5);
  });

  it('a fresh store runs no migration and starts at the running version', () => {
    const { store } = open('0.3.0');
    store.set('seq', 1);
    expect(onDisk()).toMatchObject({ __internal__: { migrations: { version: '0.3.0' } } });
  });

  it('moves a damaged file aside and starts afresh', () => {
    writeFileSync(file(), '{ not json');
    const { store, movedAside } = open();
    expect(movedAside).toBe(join(dir, `${STORE_NAME}.corrupt-1234.json`));
    expect(readFileSync(movedAside as string, 'utf8')).toBe('{ not json');
    expect(store.get('settings')).toEqual(DEFAULT_SETTINGS);
  });

  it('moves aside a file the schema rejects', () => {
    writeFileSync(file(), JSON.stringify({ seq: 'many', settings: DEFAULT_SETTINGS }));
    const { store, movedAside } = open();
    expect(movedAside).not.toBeNull();
    expect(store.get('seq')).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toHaveLength(1);
    expect(existsSync(file())).toBe(true);
  });
});
