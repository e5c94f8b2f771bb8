import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../../common/platform.ts';
import pkg from '../../../package.json' with { type: 'json' };
import { MemoryStorage } from '../testing/fixtures.ts';
import { createWebBridge, launchModeOf, type WebBridgeEnv } from './web-bridge.ts';

function env(over: Partial<WebBridgeEnv> = {}): WebBridgeEnv & { win: EventTarget; page: EventTarget & { visibilityState: string } } {
  const win = new EventTarget();
  const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  return { storage: new MemoryStorage(), events: win, doc: page, languages: ['zh-CN', 'en'], href: 'http://192.168.1.5:8750/?type=mobile#/', ...over, win, page };
}

const identity = {
  serverUrl: 'http://192.168.1.5:8750',
  terminalId: 'term-aaaaaaaa',
  terminalName: 'Phone',
  terminalType: 'mobile' as const,
  credential: 'rat_0123456789abcdef',
  login: 'ana@example.com',
};

describe('web bridge', () => {
  it('reports the platform: web, origin as server, languages, launch mode', async () => {
    const bridge = createWebBridge(env());
    expect(await bridge.info()).toMatchObject({ kind: 'web', launchMode: 'desktop', languages: ['zh-CN', 'en'], defaultServerUrl: 'http://192.168.1.5:8750' });
    expect(launchModeOf('http://h/?mode=tv')).toBe('tv');
  });

  it("reports package.json's version, injected at build time (not a copy kept by hand)", async () => {
    expect((await createWebBridge(env()).info()).appVersion).toBe(pkg.version);
  });

  it('keeps the identity, and treats a corrupt one as none', async () => {
    const e = env();
    const bridge = createWebBridge(e);
    expect(await bridge.loadIdentity()).toBeNull();
    await bridge.saveIdentity(identity);
    expect(await createWebBridge(e).loadIdentity()).toEqual(identity);
    e.storage.setItem('ra.identity', '{"terminalId":1');
    expect(await bridge.loadIdentity()).toBeNull();
    e.storage.setItem('ra.identity', JSON.stringify({ ...identity, terminalType: 'toaster' }));
    expect(await bridge.loadIdentity()).toBeNull();
    await bridge.saveIdentity(null);
    expect(e.storage.getItem('ra.identity')).toBeNull();
  });

  it('merges settings over the defaults and refuses invalid ones', async () => {
    const bridge = createWebBridge(env());
    expect(await bridge.loadSettings()).toEqual({ language: null, mode: null, serverUrl: null, muted: false });
    expect(await bridge.saveSettings({ language: 'zh-CN' })).toMatchObject({ language: 'zh-CN', muted: false });
    expect((await bridge.loadSettings()).language).toBe('zh-CN');
    await expect(bridge.saveSettings({ language: 'fr' as never })).rejects.toThrow();
  });

  it('nextSeq is strictly increasing, persisted, and above the floor', async () => {
    const e = env();
    const bridge = createWebBridge(e);
    const a = await bridge.nextSeq();
    const b = await bridge.nextSeq();
    expect(b).toBeGreaterThan(a);
    expect(await bridge.nextSeq(100)).toBe(101);
    // A new page over the same storage continues, and a lower floor never goes back.
    expect(await createWebBridge(e).nextSeq(5)).toBe(102);
  });

  it('runs nextSeq under the exclusive lock when the browser has one', async () => {
    const names: string[] = [];
    const bridge = createWebBridge(env({ exclusive: async (name, fn) => (names.push(name), fn()) }));
    await bridge.nextSeq();
    expect(names).toEqual(['ra-seq']);
  });

  it('stores outbox entries one key each, loads them in order, removes by seq', async () => {
    const e = env();
    const bridge = createWebBridge(e);
    await bridge.outboxAppend('reports', { seq: 2, item: { b: 1 } });
    await bridge.outboxAppend('reports', { seq: 1, item: { a: 1 } });
    e.storage.setItem('ra.outbox.reports.9', 'not json');
    expect(await bridge.outboxLoad('reports')).toEqual([
      { seq: 1, item: { a: 1 } },
      { seq: 2, item: { b: 1 } },
    ]);
    await bridge.outboxRemove('reports', [1]);
    expect((await createWebBridge(e).outboxLoad('reports')).map((x) => x.seq)).toEqual([2]);
  });

  it('keeps a small JSON cache', async () => {
    const bridge = createWebBridge(env());
    expect(await bridge.cacheGet('home')).toBeNull();
    await bridge.cacheSet('home', { a: [1, 2] });
    expect(await bridge.cacheGet('home')).toEqual({ a: [1, 2] });
    await bridge.cacheSet('home', null);
    expect(await bridge.cacheGet('home')).toBeNull();
  });

  it('maps page lifecycle events and unsubscribes', () => {
    const e = env();
    const bridge = createWebBridge(e);
    const got: LifecycleEvent[] = [];
    const off = bridge.onLifecycle((ev) => {
      got.push(ev);
    });
    const pageEvent = (type: string, persisted: boolean) => Object.assign(new Event(type), { persisted });
    e.win.dispatchEvent(pageEvent('pagehide', false));
    e.win.dispatchEvent(pageEvent('pagehide', true));
    e.win.dispatchEvent(pageEvent('pageshow', true));
    e.page.visibilityState = 'hidden';
    e.page.dispatchEvent(new Event('visibilitychange'));
    e.page.visibilityState = 'visible';
    e.page.dispatchEvent(new Event('visibilitychange'));
    e.page.dispatchEvent(new Event('freeze'));
    expect(got).toEqual(['quit', 'suspend', 'resume', 'suspend', 'resume', 'suspend']);
    off();
    e.win.dispatchEvent(pageEvent('pagehide', false));
    expect(got).toHaveLength(6);
  });
});
