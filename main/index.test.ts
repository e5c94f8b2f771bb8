/**
 * main/index.ts as a whole, under Node, with a fake `electron` module (main/testing/
 * fake-electron.ts), `conf` for electron-store, and the real household server in a child
 * process. The same story as the Playwright Electron suite, at the main-process boundary:
 * start → sign in → play → quit (the renderer saves) → start again (same server, same port)
 * → the breakpoint is there; a renderer crash saves the last position; kiosk mode and its
 * exit chord. The simulated renderer talks only through the registered IPC handlers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { LifecycleSignal, ServerStatus } from '../common/ipc.ts';
import type { HomePage, RegisterTerminalResponse, SessionResponse } from '../common/protocol/api.ts';
import type { PlatformInfo, Settings, TerminalIdentityRecord } from '../common/platform.ts';
import { EmbeddedServer } from './embedded-server.ts';
import { memoryLogger } from './log.ts';
import { startApp as startAppIn, quitApp } from './testing/app-harness.ts';
import { cancellable, type FakeElectron, type FakeWindow } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/app-harness.ts')).electronModule());
vi.mock('electron-store', async () => (await import('./testing/app-harness.ts')).electronStoreModule());

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const userData = mkdtempSync(join(tmpdir(), 'ra-main-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));
// A failing test must not leave its household server running.
const started: FakeElectron[] = [];
afterEach(() => {
  for (const f of started.splice(0)) f.cleanup();
});

const startApp = (env: Record<string, string> = {}) => startAppIn(userData, ROOT, started, env);
const quit = quitApp;


const position = (offsetMs: number) => ({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs }, observedAt: Date.now() });

async function home(origin: string, credential: string): Promise<HomePage> {
  const res = await fetch(`${origin}/portal/v1/home`, { headers: { authorization: `Bearer ${credential}` } });
  return (await res.json()) as HomePage;
}

describe('main process (fake Electron, real server)', () => {
  let credential = '';
  let firstOrigin = '';

  it('starts the household server, hardens the window, quits saving the breakpoint', async () => {
    // 8750 held while this file's app first starts: it gets another port and keeps it for every
    // later start here (main/app.test.ts covers 8750 itself), so test files running in parallel,
    // each trying 8750 first, cannot take this file's port between its starts.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.once('error', () => resolve()).listen(8750, '127.0.0.1', () => resolve()));
    const { f, win, origin, frame, call } = await startApp().finally(() => blocker.listening && blocker.close());
    firstOrigin = origin;

    // Window and session hardening.
    expect(win.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(f.menu()).not.toBeNull();
    const guarded = cancellable();
    win.webContents.emit('will-navigate', guarded, 'https://evil.example/');
    expect(guarded.defaultPrevented).toBe(true);
    const inside = cancellable();
    win.webContents.emit('will-navigate', inside, `${origin}/#/settings`);
    expect(inside.defaultPrevented).toBe(false);
    expect(win.webContents.windowOpenHandler?.({ url: `${origin}/x` })).toEqual({ action: 'deny' });
    let headers: Record<string, string[]> = {};
    f.session.headerHook?.({ url: `${origin}/api/v1/me`, responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']?.[0]).toContain("script-src 'self'");

    // The bridge: only the app's frames, only declared channels.
    expect(await f.invoke('ra:info', [], { id: frame.id, url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(f.handlers.has('ra:exec')).toBe(false);
    const info = await call<PlatformInfo>('info');
    expect(info).toMatchObject({ kind: 'electron', launchMode: 'desktop', defaultServerUrl: origin, appVersion: '0.1.0' });
    const status = await call<ServerStatus>('serverStatus');
    expect(status).toMatchObject({ mode: 'embedded', state: 'running', url: origin });

    // Sign in (as the renderer does, over HTTP) and keep the identity in the store.
    const post = async <T>(path: string, body: unknown, token?: string) =>
      (await (
        await fetch(`${origin}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        })
      ).json()) as T;
    // A LAN server seeds no demo account (its password is published): the first run creates the owner.
    await post('/api/v1/accounts', { login: 'demo@resume.local', password: 'resume-demo' });
    const session = await post<SessionResponse>('/api/v1/sessions', { login: 'demo@resume.local', password: 'resume-demo' });
    const terminal = await post<RegisterTerminalResponse>('/api/v1/terminals', { name: 'Study PC', type: 'pc' }, session.token);
    credential = terminal.credential;
    const identity: TerminalIdentityRecord = { serverUrl: origin, terminalId: terminal.terminal.id, terminalName: 'Study PC', terminalType: 'pc', credential, login: 'demo@resume.local' };
    await call('saveIdentity', identity);

    // Play: the renderer reports where it is; on quit it queues its own stop and acks.
    await call('reportPlayback', position(300_000));
    win.webContents.renderer = (channel, payload) => {
      if (channel !== 'ra:event:lifecycle') return;
      const signal = payload as LifecycleSignal;
      void (async () => {
        const seq = await call<number>('nextSeq');
        await call('outboxAppend', 'reports', { seq: 1, item: { reportId: 'renderer-stop-1', ...position(312_000), seq, event: 'stop' } });
        await call('reportPlayback', null);
        await call('lifecycleDone', { id: signal.id, listeners: 1 });
      })();
    };
    await quit(f);
    expect(win.webContents.sent.map((s) => (s.payload as LifecycleSignal).event)).toContain('quit');
  }, 60_000);

  it('starts again on the same port and the breakpoint is on the server', async () => {
    const { f, origin, call } = await startApp();
    expect(origin).toBe(firstOrigin);
    expect((await call<TerminalIdentityRecord>('loadIdentity')).credential).toBe(credential);
    const card = (await home(origin, credential)).continueWatching.find((c) => c.program.id === 'harbour-lights');
    expect(card?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 312_000 });
    await quit(f);
  }, 60_000);

  it('saves the last position when the renderer crashes, and reloads it', async () => {
    const { f, win, origin, call } = await startApp();
    await call('reportPlayback', position(420_000));
    const loads = win.loads.length;
    win.webContents.crashed = true;
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    await vi.waitFor(async () => {
      const card = (await home(origin, credential)).continueWatching.find((c) => c.program.id === 'harbour-lights');
      expect(card?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 420_000 });
    }, { timeout: 10_000, interval: 100 });
    win.webContents.crashed = false;
    await vi.waitFor(() => expect(win.loads.length).toBeGreaterThan(loads));
    // Quit with a renderer that never answers: bounded, and still quits.
    const t0 = Date.now();
    await quit(f);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 60_000);

  it('remote mode: no embedded server, the window and the bridge use the configured server', async () => {
    const remoteData = mkdtempSync(join(tmpdir(), 'ra-remote-'));
    const remote = new EmbeddedServer({
      fork: (entry, argv) => spawn(process.execPath, [entry, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }),
      entry: fileURLToPath(new URL('../server-mock/cli.ts', import.meta.url)),
      dataDir: remoteData,
      webDir: join(ROOT, 'renderer', 'dist'),
      mediaDir: join(ROOT, 'server-mock', 'demo', 'media'),
      lanAccess: false,
      preferredPort: null,
      lanAddresses: () => [],
      log: memoryLogger(),
    });
    const url = (await remote.start()).url as string;
    // localhost, not 127.0.0.1: a different origin from any embedded server.
    const remoteUrl = url.replace('127.0.0.1', 'localhost');
    try {
      const { f, origin, call } = await startApp({ RA_SERVER_URL: remoteUrl });
      expect(origin).toBe(remoteUrl);
      expect(await call<ServerStatus>('serverStatus')).toEqual({ mode: 'remote', state: 'running', url: remoteUrl, lanUrls: [], error: null });
      expect((await call<PlatformInfo>('info')).defaultServerUrl).toBe(remoteUrl);
      await quit(f);
    } finally {
      await remote.stop();
      rmSync(remoteData, { recursive: true, force: true });
    }
  }, 60_000);

  it('kiosk: fullscreen kiosk, no menu, hidden cursor, autoplay, TV interface, exit chord', async () => {
    const { f, win, call } = await startApp({ RA_KIOSK: '1' });
    expect(win.options).toMatchObject({ kiosk: true, fullscreen: true, frame: false });
    expect(f.switches).toContainEqual(['autoplay-policy', 'no-user-gesture-required']);
    expect(f.menu()).toBeNull();
    await vi.waitFor(() => expect([...win.webContents.css.values()].join()).toContain('cursor: none'));
    expect((await call<PlatformInfo>('info')).launchMode).toBe('tv');
    expect((await call<Settings>('loadSettings')).mode).toBe('tv');

    const esc = cancellable();
    win.webContents.emit('before-input-event', esc, { type: 'keyDown', key: 'Escape', control: false, alt: false, shift: false, meta: false });
    expect(esc.defaultPrevented).toBe(false);
    expect(win.kiosk).toBe(true);
    const reload = cancellable();
    win.webContents.emit('before-input-event', reload, { type: 'keyDown', key: 'r', control: true, alt: false, shift: false, meta: false });
    expect(reload.defaultPrevented).toBe(true);

    // Playing on the TV (the screen is kept on) when the chord comes.
    await call('reportPlayback', { ...position(90_000), paused: false });
    expect(f.blockers.size).toBe(1);
    const chord = cancellable();
    win.webContents.emit('before-input-event', chord, { type: 'keyDown', key: 'Q', control: true, alt: true, shift: true, meta: false });
    expect(chord.defaultPrevented).toBe(true);
    // frame is constructor-only: a framed desktop window with the menu replaces the kiosk one.
    await vi.waitFor(() => expect(f.windows().map((w) => w.options.kiosk ?? false)).toEqual([false]), { timeout: 10_000 });
    const desktop = f.windows()[0] as FakeWindow;
    expect(desktop).not.toBe(win);
    expect(win.destroyed).toBe(true);
    expect(desktop.options.frame).not.toBe(false);
    expect(desktop.options).toMatchObject({ autoHideMenuBar: false });
    await vi.waitFor(() => expect(desktop.loads.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/));
    expect(desktop.webContents.css.size).toBe(0);
    expect(f.menu()).not.toBeNull();
    // The kiosk renderer's place became a stop; the new window starts at home: the screen may sleep.
    expect(f.blockers.size).toBe(0);
    // The kiosk renderer was asked to save its place before its window went.
    expect(win.webContents.sent.map((m) => (m.payload as LifecycleSignal).event)).toContain('quit');
    expect((await call<Settings>('loadSettings')).mode).toBeNull();
    expect((await call<PlatformInfo>('info')).launchMode).toBe('desktop');
    // The old window closing did not quit the app.
    expect(f.electron.app.done).toBe(false);
    await quit(f);
  }, 60_000);
});
