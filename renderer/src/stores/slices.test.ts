import { describe, expect, it } from 'vitest';
import { memoryBridge, vod } from '../testing/fixtures.ts';
import { createConnectivityStore, isOffline } from './connectivity.ts';
import { createPlayerStore, errorKindOf } from './player.ts';
import { createSettingsStore } from './settings.ts';
import { createToastStore } from './toasts.ts';

describe('settings store', () => {
  it('follows the platform language until one is chosen', async () => {
    const bridge = memoryBridge();
    const store = createSettingsStore({ bridge });
    store.getState().init({ kind: 'web', launchMode: 'desktop', languages: ['zh-TW', 'en'], appVersion: '1', defaultServerUrl: null }, await bridge.loadSettings());
    expect(store.getState()).toMatchObject({ language: 'zh-CN', platformLanguage: 'zh-CN', mode: 'desktop' });
    await store.getState().setLanguage('en');
    expect(store.getState().language).toBe('en');
    expect((await bridge.loadSettings()).language).toBe('en');
    await store.getState().setLanguage(null);
    expect(store.getState().language).toBe('zh-CN');
  });

  it('takes the launch mode (tv) unless a setting says otherwise', async () => {
    const bridge = memoryBridge();
    const store = createSettingsStore({ bridge });
    store.getState().init({ kind: 'electron', launchMode: 'tv', languages: [], appVersion: '1', defaultServerUrl: null }, await bridge.loadSettings());
    expect(store.getState().mode).toBe('tv');
    store.getState().init({ kind: 'electron', launchMode: 'tv', languages: [], appVersion: '1', defaultServerUrl: null }, { ...(await bridge.loadSettings()), mode: 'desktop' });
    expect(store.getState().mode).toBe('desktop');
  });

  it('remembers a chosen interface; null goes back to the launch mode', async () => {
    const bridge = memoryBridge();
    const store = createSettingsStore({ bridge });
    store.getState().init({ kind: 'web', launchMode: 'tv', languages: [], appVersion: '1', defaultServerUrl: null }, await bridge.loadSettings());
    await store.getState().setMode('desktop');
    expect(store.getState().mode).toBe('desktop');
    expect((await bridge.loadSettings()).mode).toBe('desktop');
    await store.getState().setMode(null);
    expect(store.getState().mode).toBe('tv');
    expect((await bridge.loadSettings()).mode).toBeNull();
  });
});

describe('connectivity store', () => {
  it('going offline means unreachable; coming back waits for an answer', () => {
    const store = createConnectivityStore(true);
    expect(isOffline(store.getState())).toBe(false);
    store.getState().setOnline(false);
    expect(isOffline(store.getState())).toBe(true);
    store.getState().setOnline(true);
    expect(isOffline(store.getState())).toBe(true);
    store.getState().setReachable(true);
    expect(isOffline(store.getState())).toBe(false);
    store.getState().setPending(3);
    expect(store.getState().pending).toBe(3);
  });
});

describe('player store', () => {
  it('walks a viewing through its states', () => {
    const store = createPlayerStore({ muted: true });
    const program = vod('harbour-lights');
    store.getState().begin('harbour-lights', null, { breakpoint: { kind: 'offset', offsetMs: 61_000 }, terminalName: 'Study PC' });
    expect(store.getState()).toMatchObject({ status: 'starting', programId: 'harbour-lights', muted: true });
    store.getState().loaded(program, null, { position: 61, duration: 600, seekStart: 0, seekEnd: 600, bufferedEnd: 70 });
    expect(store.getState()).toMatchObject({ status: 'ready', live: false, position: 61 });
    store.getState().setPaused(false);
    store.getState().progress({ position: 62 });
    expect(store.getState().position).toBe(62);
    store.getState().ended();
    expect(store.getState()).toMatchObject({ status: 'ended', paused: true });
    store.getState().fail(errorKindOf('PROGRAM_NOT_FOUND'), 'PROGRAM_NOT_FOUND');
    expect(store.getState()).toMatchObject({ status: 'error', error: 'removed' });
    store.getState().reset();
    expect(store.getState()).toMatchObject({ status: 'idle', programId: null, muted: true });
  });

  it('explains error codes', () => {
    expect(errorKindOf('NETWORK_DOWN')).toBe('offline');
    expect(errorKindOf('PROGRAM_NOT_ALLOWED')).toBe('not-allowed');
    expect(errorKindOf('MEDIA')).toBe('media');
    expect(errorKindOf('INTERNAL')).toBe('generic');
  });
});

describe('toast store', () => {
  it('shows at most three and dismisses after their time', () => {
    const timers: (() => void)[] = [];
    const store = createToastStore((fn) => timers.push(fn));
    for (let i = 0; i < 4; i++) store.getState().show('card.removed', { params: { title: `t${i}` } });
    expect(store.getState().toasts.map((t) => t.params?.title)).toEqual(['t1', 't2', 't3']);
    timers[3]?.();
    expect(store.getState().toasts.map((t) => t.params?.title)).toEqual(['t1', 't2']);
  });
});
