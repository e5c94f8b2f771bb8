/**
 * The PC app's run-time behaviours on the fake electron module with the real household server
 * (main/testing/app-harness.ts): household defaults (port 8750, LAN off, the store file 0600,
 * log files), the screen kept awake while playing, a Windows session end, the remote-mode shell
 * interceptor that lets the push stream alone, and a provisioned set-top box (locked settings,
 * its name, start on boot).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerStatus } from '../common/ipc.ts';
import type { PlatformInfo, Settings } from '../common/platform.ts';
import { copyToClipboard } from './app.ts';
import { EmbeddedServer, lanIPv4 } from './embedded-server.ts';
import { memoryLogger } from './log.ts';
import { portsToTry, ShellIntercept, shellRoute } from './server-connection.ts';
import { quitApp, startApp } from './testing/app-harness.ts';
import { cancellable, type FakeElectron, type FakeWindow } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/app-harness.ts')).electronModule());
vi.mock('electron-store', async () => (await import('./testing/app-harness.ts')).electronStoreModule());

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const started: FakeElectron[] = [];
afterEach(() => {
  for (const f of started.splice(0)) f.cleanup();
});

/** Whether a TCP port on 127.0.0.1 is free now. */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

const playing = (offsetMs: number, paused: boolean) => ({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs }, observedAt: Date.now(), paused });

describe('household defaults', () => {
  it('port 8750 (else another free one), LAN off, store file 0600, rotating logs in the OS log folder', async () => {
    const userData = temp('ra-app-');
    const free = await portFree(8750);
    const { f, origin, call } = await startApp(userData, ROOT, started);
    if (free) expect(origin).toBe('http://127.0.0.1:8750');
    const status = await call<ServerStatus>('serverStatus');
    expect(status).toMatchObject({ mode: 'embedded', state: 'running', lanUrls: [] });
    expect((statSync(join(userData, 'resume-anywhere.json')).mode & 0o777).toString(8)).toBe('600');
    const mainLog = readFileSync(join(userData, 'logs', 'main.log'), 'utf8');
    expect(mainLog).toContain('household server running at http://127.0.0.1:');
    expect(mainLog).toContain('window shown');
    expect(existsSync(join(userData, 'logs', 'server.log'))).toBe(true);
    // Help names the log folder; the Household menu says only this PC can open the server.
    const template = (f.menu() as { template: { role?: string; label?: string; submenu?: { label?: string }[] }[] }).template;
    expect(template.find((m) => m.role === 'help')?.submenu?.map((i) => i.label)).toContain(`Logs: ${join(userData, 'logs')}`);
    expect(template.find((m) => m.label === 'Household')?.submenu?.map((i) => i.label)).toContain('Only this PC can open it (LAN access is off)');
    await quitApp(f);
  }, 60_000);

  it('tries last run’s port, then 8750, then any', () => {
    expect(portsToTry(null)).toEqual([8750, 0]);
    expect(portsToTry(9123)).toEqual([9123, 8750, 0]);
    expect(portsToTry(8750)).toEqual([8750, 0]);
  });

  it('remembers the port it got: a first run that found 8750 taken keeps its port once 8750 is free', async () => {
    const userData = temp('ra-port-');
    // Hold 8750 for the first run (if another process already holds it, it is taken either way).
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.once('error', () => resolve()).listen(8750, '127.0.0.1', () => resolve()));
    const first = await startApp(userData, ROOT, started)
      .then(async (run) => {
        await quitApp(run.f);
        return run.origin;
      })
      .finally(() => new Promise<void>((resolve) => (blocker.listening ? blocker.close(() => resolve()) : resolve())));
    expect(first).not.toBe('http://127.0.0.1:8750');
    const again = await startApp(userData, ROOT, started);
    expect(again.origin).toBe(first);
    expect(JSON.parse(readFileSync(join(userData, 'resume-anywhere.json'), 'utf8')).server.lastPort).toBe(Number(new URL(first).port));
    await quitApp(again.f);
  }, 60_000);

  it('LAN access stays off until the Household menu turns it on: then the same port on every interface, its address shown and copied', async () => {
    type Item = { label?: string; checked?: boolean; click?: (item: { checked: boolean }) => void; submenu?: Item[] };
    const userData = temp('ra-lan-');
    const { f, origin, call } = await startApp(userData, ROOT, started);
    const port = new URL(origin).port;
    const household = () => ((f.menu() as { template: Item[] }).template.find((m) => m.label === 'Household')?.submenu ?? []) as Item[];
    const item = (label: string) => household().find((i) => i.label === label) as Item;
    const lan = lanIPv4(networkInterfaces())[0];
    const reachable = (host: string) => fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
    expect(item('Let TVs and Phones on This Network Join').checked).toBe(false);
    expect(item('Only this PC can open it (LAN access is off)')).toBeDefined();
    if (lan) expect(await reachable(lan)).toBe(0);

    // Electron flips a checkbox before calling its click.
    item('Let TVs and Phones on This Network Join').click?.({ checked: true });
    const address = lan ? `http://${lan}:${port}` : null;
    await vi.waitFor(async () => expect(await call<ServerStatus>('serverStatus')).toMatchObject({ state: 'running', url: origin, lanUrls: address ? [address] : [] }), { timeout: 20_000 });
    expect(JSON.parse(readFileSync(join(userData, 'resume-anywhere.json'), 'utf8')).server).toMatchObject({ lanAccess: true, lastPort: Number(port) });
    if (lan && address) {
      expect(await reachable(lan)).toBe(200);
      expect(household().map((i) => i.label)).toContain(`TVs and phones open: ${address}`);
      item('Copy the Address for a TV or Phone').click?.({ checked: false });
      await vi.waitFor(() => expect(f.clipboard.text).toBe(address));
    }

    item('Let TVs and Phones on This Network Join').click?.({ checked: false });
    await vi.waitFor(async () => expect(await call<ServerStatus>('serverStatus')).toMatchObject({ state: 'running', url: origin, lanUrls: [] }), { timeout: 20_000 });
    if (lan) expect(await reachable(lan)).toBe(0);
    await quitApp(f);
  }, 90_000);

  it('a refused clipboard is logged, not an unhandled rejection', async () => {
    const log = memoryLogger();
    expect(await copyToClipboard({ writeText: async () => Promise.reject(new Error('no clipboard owner')) }, 'http://192.168.1.5:8750', log)).toBe(false);
    expect(log.lines[0]).toMatchObject({ level: 'warn', message: 'copying to the clipboard failed' });
    expect(await copyToClipboard({ writeText: async () => undefined }, 'x', log)).toBe(true);
  });
});

describe('the app’s language (menus and status pages from common/i18n)', () => {
  type Item = { role?: string; label?: string; submenu?: Item[] };
  const householdLabels = (f: FakeElectron) => {
    const template = (f.menu() as { template: Item[] }).template;
    const household = template[3] as Item;
    return [household.label, ...(household.submenu ?? []).map((i) => i.label)];
  };

  it('follows the OS language, then the app’s setting, rebuilding the menu at once', async () => {
    const { f, win, call } = await startApp(temp('ra-app-'), ROOT, started, {}, { languages: ['zh-Hans-CN', 'en-US'] });
    // The first page main showed itself ("starting the household server") is in Chinese.
    const starting = decodeURIComponent(win.loads.find((u) => u.startsWith('data:')) ?? '');
    expect(starting).toContain('<html lang="zh-CN">');
    expect(starting).toContain('正在启动家庭服务器…');
    expect(householdLabels(f)).toContain('家庭');
    expect(householdLabels(f)).toContain('只有这台电脑能打开（局域网访问已关闭）');
    // The renderer's language setting wins over the OS, and the menu follows it immediately.
    await call<Settings>('saveSettings', { language: 'en' });
    expect(householdLabels(f)).toContain('Household');
    expect(householdLabels(f)).toContain('Only this PC can open it (LAN access is off)');
    await call<Settings>('saveSettings', { language: 'zh-CN' });
    expect(householdLabels(f)[0]).toBe('家庭');
    // Back to automatic: the OS language again.
    await call<Settings>('saveSettings', { language: null });
    expect(householdLabels(f)[0]).toBe('家庭');
    await quitApp(f);
  }, 60_000);
});

describe('playing, and the session ending', () => {
  it('keeps the screen on only while a programme plays', async () => {
    const { f, call } = await startApp(temp('ra-app-'), ROOT, started);
    expect(f.blockers.size).toBe(0);
    await call('reportPlayback', playing(60_000, false));
    expect([...f.blockers.values()]).toEqual(['prevent-display-sleep']);
    await call('reportPlayback', playing(65_000, false));
    expect(f.blockers.size).toBe(1);
    await call('reportPlayback', playing(65_000, true));
    expect(f.blockers.size).toBe(0);
    await call('reportPlayback', playing(66_000, false));
    await call('reportPlayback', null);
    expect(f.blockers.size).toBe(0);
    // A renderer that crashes mid-programme reloads to the home screen: the screen may sleep again.
    const win = f.windows()[0] as FakeWindow;
    await call('reportPlayback', playing(70_000, false));
    expect(f.blockers.size).toBe(1);
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(f.blockers.size).toBe(0);
    await quitApp(f);
  }, 60_000);

  it('Windows session end: the stop is stored before the handler returns, then the app quits', async () => {
    const { f, win, call } = await startApp(temp('ra-app-'), ROOT, started);
    await call('reportPlayback', playing(1_234_000, true));
    win.emit('session-end', Object.assign(cancellable(), { reasons: ['shutdown'] }));
    // Synchronously: the process may be killed right after the handler returns.
    const stored = (await call<{ seq: number; item: { event: string; breakpoint: unknown } }[]>('outboxLoad', 'reports')).map((e) => e.item);
    expect(stored).toContainEqual(expect.objectContaining({ event: 'stop', breakpoint: { kind: 'offset', offsetMs: 1_234_000 } }));
    await f.quit;
  }, 60_000);
});

describe('remote mode: the shell interceptor', () => {
  it('routes only the shell; the push stream and media are never proxied', () => {
    const web = join(ROOT, 'renderer', 'dist');
    const has = (p: string) => p.endsWith('index.html');
    expect(shellRoute('GET', 'https://tv.example.org/', null, 'https://tv.example.org', web, has)).toMatchObject({ kind: 'file' });
    expect(shellRoute('GET', 'https://tv.example.org/api/v1/events', 'text/event-stream', 'https://tv.example.org', web, has)).toEqual({ kind: 'later' });
    expect(shellRoute('GET', 'https://tv.example.org/media/harbour/seg-1.m4s', null, 'https://tv.example.org', web, has)).toEqual({ kind: 'later' });
    expect(shellRoute('GET', 'https://tv.example.org/api/v1/me', null, 'https://tv.example.org', web, has)).toEqual({ kind: 'network' });
    expect(shellRoute('GET', 'https://elsewhere.example/', null, 'https://tv.example.org', web, has)).toEqual({ kind: 'network' });
  });

  it('arms, answers a stream 503 while armed, serves the shell, disarms', async () => {
    const web = temp('ra-web-');
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>shell</title>');
    const handlers = new Map<string, (req: Request) => Response | Promise<Response>>();
    const fetched: string[] = [];
    const intercept = new ShellIntercept(
      { handle: (scheme, h) => void handlers.set(scheme, h), unhandle: (scheme) => void handlers.delete(scheme) },
      async (input) => {
        const url = typeof input === 'string' ? input : input.url;
        fetched.push(url);
        return url.startsWith('file:') ? new Response(readFileSync(fileURLToPath(url))) : new Response('{}', { status: 200 });
      },
      web,
    );
    intercept.arm('https://tv.example.org');
    const h = handlers.get('https') as (req: Request) => Promise<Response>;
    const sse = await h(new Request('https://tv.example.org/api/v1/events', { headers: { accept: 'text/event-stream' } }));
    expect(sse.status).toBe(503);
    const shell = await h(new Request('https://tv.example.org/'));
    expect(await shell.text()).toContain('<title>shell</title>');
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    await h(new Request('https://tv.example.org/api/v1/me'));
    expect(fetched.filter((u) => u.startsWith('https:'))).toEqual(['https://tv.example.org/api/v1/me']);
    intercept.disarm();
    expect(handlers.size).toBe(0);
  });

  it.skipIf(!existsSync(join(ROOT, 'renderer', 'dist', 'index.html')))('in the app: armed for the load and removed once the page loaded (needs a built renderer)', async () => {
    const remoteData = temp('ra-remote-');
    const remote = new EmbeddedServer({
      fork: (entry, argv) => spawn(process.execPath, [entry, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }),
      entry: join(ROOT, 'server-mock', 'cli.ts'),
      dataDir: remoteData,
      webDir: join(ROOT, 'renderer', 'dist'),
      mediaDir: join(ROOT, 'server-mock', 'demo', 'media'),
      lanAccess: false,
      preferredPort: null,
      lanAddresses: () => [],
      log: memoryLogger(),
    });
    const url = ((await remote.start()).url as string).replace('127.0.0.1', 'localhost');
    try {
      const { f } = await startApp(temp('ra-app-'), ROOT, started, { RA_SERVER_URL: url });
      await vi.waitFor(() => expect(f.protocolLog).toEqual(['handle http', 'unhandle http']));
      expect(f.protocolHandlers.size).toBe(0);
      await quitApp(f);
    } finally {
      await remote.stop();
    }
  }, 60_000);
});

describe('a provisioned set-top box', () => {
  it('locks its settings, proposes its name, starts on boot through the relaunching launcher', async () => {
    const dir = temp('ra-fleet-');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ kiosk: true, startOnBoot: true, terminal: { name: 'Lobby TV', type: 'stb' }, language: 'zh-CN', settings: { muted: true } }));
    const xdg = { XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
    const { f, win, call } = await startApp(temp('ra-app-'), ROOT, started, { RA_CONFIG: config, ...xdg });
    expect(win.options).toMatchObject({ kiosk: true });
    // No keyring in set-top mode (Chromium's basic store; no unlock prompt on a TV).
    expect(f.switches).toContainEqual(['password-store', 'basic']);
    const info = await call<PlatformInfo>('info');
    expect(info).toMatchObject({ launchMode: 'tv', terminal: { name: 'Lobby TV', type: 'stb' } });
    expect(await call<Settings>('loadSettings')).toMatchObject({ language: 'zh-CN', muted: true, mode: 'tv' });
    await expect(call('saveSettings', { language: 'en' })).rejects.toThrow(/FORBIDDEN/);
    await expect(call('saveSettings', { muted: true })).resolves.toMatchObject({ muted: true });
    if (process.platform === 'linux') {
      const entry = readFileSync(join(dir, 'config', 'autostart', 'resume-anywhere.desktop'), 'utf8');
      expect(entry).toContain(`Exec=${join(dir, 'data', 'resume-anywhere', 'start-on-boot.sh')}`);
      expect(readFileSync(join(dir, 'data', 'resume-anywhere', 'start-on-boot.sh'), 'utf8')).toContain('--kiosk && exit 0');
    }
    await quitApp(f);
  }, 60_000);

  it('a set-top renderer that keeps crashing restarts the whole app (nobody is there to do it)', async () => {
    const { f, win } = await startApp(temp('ra-app-'), ROOT, started, { RA_KIOSK: '1' });
    const app = f.electron.app as unknown as { relaunches: unknown[]; exitCode: number | null };
    for (let i = 0; i < 4; i++) {
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
      await new Promise((r) => setTimeout(r, 50));
    }
    await vi.waitFor(() => expect(app.relaunches).toHaveLength(1));
    expect(app.exitCode).toBe(1);
    await quitApp(f);
  }, 60_000);

  it('under the start-on-boot supervisor a crashing set-top app only exits (the supervisor starts it; no copy outside it)', async () => {
    const { f, win } = await startApp(temp('ra-app-'), ROOT, started, { RA_KIOSK: '1', RA_SUPERVISED: '1' });
    const app = f.electron.app as unknown as { relaunches: unknown[]; exitCode: number | null };
    for (let i = 0; i < 4; i++) {
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
      await new Promise((r) => setTimeout(r, 50));
    }
    await vi.waitFor(() => expect(app.exitCode).toBe(1));
    expect(app.relaunches).toEqual([]);
    await quitApp(f);
  }, 60_000);

  it('an uncaught error in a set-top main process restarts the app in set-top mode; the next start has the point', async () => {
    const userData = temp('ra-app-');
    const before = new Set(process.listeners('uncaughtException'));
    const ours = () => process.listeners('uncaughtException').filter((l) => !before.has(l));
    const { f, call } = await startApp(userData, ROOT, started, { RA_KIOSK: '1' });
    try {
      // Vitest has its own listener (emitting the event would fail the run): call the app's.
      expect(ours()).toHaveLength(1);
      await call('reportPlayback', playing(321_000, false));
      const app = f.electron.app as unknown as { relaunches: unknown[]; exitCode: number | null; done: boolean };
      (ours()[0] as (err: Error) => void)(new Error('boom'));
      // The same command line again (--kiosk, or the stored/provisioned mode is read again); exit
      // at once, without the quit path (main is in an unknown state).
      expect(app.relaunches).toEqual([{}]);
      expect(app.exitCode).toBe(1);
      expect(app.done).toBe(false);
    } finally {
      // The process is gone (the fake's exit killed its household server): so are its listeners.
      for (const l of ours()) process.off('uncaughtException', l);
    }
    await new Promise((r) => setTimeout(r, 500));
    // The relaunched app: set-top mode again, and the position main held is the stop.
    const next = await startApp(userData, ROOT, started, { RA_KIOSK: '1' });
    expect(next.win.options).toMatchObject({ kiosk: true });
    const stored = (await next.call<{ item: { event: string; breakpoint: unknown } }[]>('outboxLoad', 'reports')).map((e) => e.item);
    expect(stored).toContainEqual(expect.objectContaining({ event: 'stop', breakpoint: { kind: 'offset', offsetMs: 321_000 } }));
    await quitApp(next.f);
    expect(ours()).toHaveLength(0); // will-quit removes the listener
  }, 90_000);

  it('a bad provisioning file is ignored as a whole, and the app still starts', async () => {
    const dir = temp('ra-fleet-');
    const config = join(dir, 'config.json');
    writeFileSync(config, '{"kiosk": "yes"}');
    const userData = temp('ra-app-');
    const { f, win } = await startApp(userData, ROOT, started, { RA_CONFIG: config });
    expect(win.options.kiosk).not.toBe(true);
    expect(readFileSync(join(userData, 'logs', 'main.log'), 'utf8')).toMatch(/provisioning ignored: .*does not fit the schema/);
    await quitApp(f);
  }, 60_000);
});
