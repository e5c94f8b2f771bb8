import { describe, expect, it } from 'vitest';
import { MAX_OUTBOX_ENTRIES } from '../common/ipc.ts';
import type { TerminalIdentityRecord } from '../common/platform.ts';
import { LocalState, MAX_CACHE_ENTRIES } from './local-state.ts';
import { memoryLogger } from './log.ts';
import { fakeSafeStorage, memoryStore } from './testing/fakes.ts';

const identity: TerminalIdentityRecord = {
  serverUrl: 'http://127.0.0.1:8750',
  terminalId: 'term_0123456789',
  terminalName: 'PC',
  terminalType: 'pc',
  credential: 'rat_top_secret_1234',
  login: 'demo@resume.local',
};

function setup(safe = fakeSafeStorage()) {
  const store = memoryStore();
  const log = memoryLogger();
  let now = 1_000;
  const state = new LocalState(store, safe, log, () => now++);
  return { store, log, state, safe };
}

describe('LocalState identity', () => {
  it('encrypts the credential with safeStorage and decrypts it on load', () => {
    const { store, state } = setup();
    state.saveIdentity(identity);
    const stored = store.data.identity;
    expect(stored?.credential.scheme).toBe('safeStorage');
    expect(JSON.stringify(stored)).not.toContain('rat_top_secret_1234');
    expect(state.loadIdentity()).toEqual(identity);
  });

  it('stores it plainly where no keychain exists, and where Linux only has basic_text', () => {
    for (const safe of [fakeSafeStorage({ available: false }), fakeSafeStorage({ backend: 'basic_text' })]) {
      const { store, state } = setup(safe);
      expect(state.encryptionAvailable).toBe(false);
      state.saveIdentity(identity);
      expect(store.data.identity?.credential).toEqual({ scheme: 'plain', data: 'rat_top_secret_1234' });
      expect(state.loadIdentity()).toEqual(identity);
    }
  });

  it('forgets an identity whose credential can no longer be decrypted', () => {
    const { state, safe, log } = setup();
    state.saveIdentity(identity);
    safe.failDecrypt = true;
    expect(state.loadIdentity()).toBeNull();
    expect(state.loadIdentity()).toBeNull();
    expect(log.lines.some((l) => l.level === 'warn' && /decrypt/.test(l.message))).toBe(true);
  });

  it('re-encrypts a plain credential once a keychain appears', () => {
    const safe = fakeSafeStorage({ available: false });
    const { store, state } = setup(safe);
    state.saveIdentity(identity);
    expect(state.upgradeSecrets()).toBe(false);
    safe.available = true;
    expect(state.upgradeSecrets()).toBe(true);
    expect(store.data.identity?.credential.scheme).toBe('safeStorage');
    expect(state.loadIdentity()?.credential).toBe('rat_top_secret_1234');
  });

  it('forgets on null', () => {
    const { state } = setup();
    state.saveIdentity(identity);
    state.saveIdentity(null);
    expect(state.loadIdentity()).toBeNull();
  });
});

describe('LocalState settings, sequence, cache', () => {
  it('patches settings and fills defaults', () => {
    const { state } = setup();
    expect(state.saveSettings({ mode: 'tv' })).toEqual({ language: null, mode: 'tv', serverUrl: null, muted: false });
    expect(state.saveSettings({ muted: true })).toMatchObject({ mode: 'tv', muted: true });
    expect(state.loadSettings()).toMatchObject({ mode: 'tv', muted: true });
  });

  it('hands out strictly increasing sequences above any floor, durably', () => {
    const { state, store } = setup();
    expect(state.nextSeq()).toBe(1);
    expect(state.nextSeq()).toBe(2);
    expect(state.nextSeq(100)).toBe(101);
    expect(state.nextSeq(5)).toBe(102);
    expect(store.data.seq).toBe(102);
  });

  it('caches JSON values, deletes on null, evicts the oldest past the limit, refuses huge values', () => {
    const { state } = setup();
    state.cacheSet('home:a', { rows: [1] });
    expect(state.cacheGet('home:a')).toEqual({ rows: [1] });
    expect(state.cacheGet('missing')).toBeNull();
    state.cacheSet('home:a', null);
    expect(state.cacheGet('home:a')).toBeNull();
    for (let i = 0; i <= MAX_CACHE_ENTRIES; i++) state.cacheSet(`k${i}`, i);
    expect(state.cacheGet('k0')).toBeNull();
    expect(state.cacheGet(`k${MAX_CACHE_ENTRIES}`)).toBe(MAX_CACHE_ENTRIES);
    expect(() => state.cacheSet('big', 'x'.repeat(3 * 1024 * 1024))).toThrow(/larger/);
  });
});

describe('LocalState outbox', () => {
  it('appends in order, replaces a retried seq, removes by seq', () => {
    const { state } = setup();
    state.outboxAppend('reports', { seq: 2, item: 'b' });
    state.outboxAppend('reports', { seq: 1, item: 'a' });
    state.outboxAppend('reports', { seq: 2, item: 'b2' });
    expect(state.outboxLoad('reports')).toEqual([
      { seq: 1, item: 'a' },
      { seq: 2, item: 'b2' },
    ]);
    state.outboxRemove('reports', [1, 99]);
    expect(state.outboxLoad('reports')).toEqual([{ seq: 2, item: 'b2' }]);
  });

  it('appends main-made items after every stored entry, above a live renderer\'s counter', () => {
    const { state } = setup();
    state.outboxAppend('reports', { seq: 7, item: 'renderer' });
    const mine = state.outboxAppendItem('reports', 'main');
    expect(mine.seq).toBeGreaterThan(7);
    // The renderer's Outbox, loaded before, goes on with 8, 9…: it never replaces main's entry.
    state.outboxAppend('reports', { seq: 8, item: 'renderer-next' });
    expect(state.outboxLoad('reports').map((e) => e.item)).toEqual(['renderer', 'renderer-next', 'main']);
    // Past a clock-sized seq (a store from a later clock), still strictly after it.
    state.outboxAppend('reports', { seq: Number.MAX_SAFE_INTEGER - 10, item: 'far' });
    expect(state.outboxAppendItem('reports', 'again').seq).toBe(Number.MAX_SAFE_INTEGER - 9);
  });

  it('keeps at most MAX_OUTBOX_ENTRIES, dropping the oldest with a warning', () => {
    const { state, store, log } = setup();
    store.set('outbox', { reports: Array.from({ length: MAX_OUTBOX_ENTRIES }, (_, i) => ({ seq: i + 1, item: i })) });
    state.outboxAppend('reports', { seq: MAX_OUTBOX_ENTRIES + 1, item: 'new' });
    const entries = state.outboxLoad('reports');
    expect(entries).toHaveLength(MAX_OUTBOX_ENTRIES);
    expect(entries[0]?.seq).toBe(2);
    expect(log.lines.some((l) => /outbox full/.test(l.message))).toBe(true);
  });
});
