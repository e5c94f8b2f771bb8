/**
 * The Electron main process: wires the real Electron APIs into the small modules beside this
 * file (which never import Electron, so they are unit-tested without its binary).
 *
 * Start: single-instance lock → store (electron-store, schema + migrations) → ready → window
 * security → IPC from the contract → the household server (utilityProcess) or the configured
 * remote server → the renderer at that server's origin → the outbox left by the last run.
 * Stop: quit, window close, suspend, OS shutdown and renderer crashes go through the lifecycle
 * coordinator, which saves the breakpoint and uploads it before the app (and server) go.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, clipboard, ipcMain, Menu, net, powerMonitor, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import ElectronStore from 'electron-store';
import { eventChannel, type ServerStatus } from '../common/ipc.ts';
import { shellFileFor } from './app-shell.ts';
import { parseLaunchArgs } from './args.ts';
import { currentEmbeddedUrl, EmbeddedServer, lanIPv4, portOf } from './embedded-server.ts';
import { createIpcRouter, registerIpc } from './ipc-router.ts';
import { isBlockedInKiosk, isKioskExitChord, KIOSK_CSS, KIOSK_EXIT_CHORD, kioskAtLaunch } from './kiosk.ts';
import { LifecycleCoordinator } from './lifecycle.ts';
import { LocalState } from './local-state.ts';
import { consoleLogger as log } from './log.ts';
import { menuTemplate } from './menu.ts';
import { statusPage } from './pages.ts';
import { platformHandlers } from './platform-handlers.ts';
import { flushStoredOutbox, type FetchLike } from './report-sender.ts';
import { httpOrigin, isAllowedNavigation, isPermissionAllowed, isTrustedFrame, windowOpenDecision, withCsp } from './security.ts';
import { openStore, type StoreBackend, type StoreOptions } from './store-open.ts';
import { windowOptions, windowStateOf } from './window-options.ts';

const args = parseLaunchArgs(process.argv, process.env);
for (const w of args.warnings) log.warn(w);
if (args.dataDir) app.setPath('userData', resolve(args.dataDir));

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
const paths = {
  preload: here('./preload.cjs'),
  server: here('./server.mjs'),
  webDir: app.isPackaged ? join(resources, 'web') : join(resources, 'renderer', 'dist'),
  mediaDir: app.isPackaged ? join(resources, 'media') : join(resources, 'server-mock', 'demo', 'media'),
  icon: app.isPackaged ? join(resources, 'icon.png') : join(resources, 'build', 'icon.png'),
  userData: app.getPath('userData'),
};

if (!app.requestSingleInstanceLock()) {
  log.info('another instance is running; handing over to it');
  app.exit(0);
} else {
  main();
}

function main(): void {
  const opened = openStore(paths.userData, app.getVersion(), (o: StoreOptions) => new ElectronStore(o as never) as unknown as StoreBackend);
  if (opened.movedAside) log.warn(`the local store was unreadable; moved to ${opened.movedAside} and started afresh`);
  const state = new LocalState(opened.store, safeStorage, log);

  const kioskRun = kioskAtLaunch(args.kiosk, state.launch.kiosk);
  let kioskActive = kioskRun;
  // A remote control cannot "click to play": allow autoplay for the whole set-top session.
  if (kioskRun) app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');

  const remoteUrl = () => args.serverUrl ?? state.loadSettings().serverUrl;
  let appOrigin: string | null = null;
  let status: ServerStatus = { mode: 'embedded', state: 'stopped', url: null, lanUrls: [], error: null };
  let embedded: EmbeddedServer | null = null;
  let win: BrowserWindow | null = null;
  let quitPhase: 'running' | 'saving' | 'ready' = 'running';
  let serverLog: WriteStream | null = null;
  let interceptedScheme: string | null = null;
  const crashes: number[] = [];
  /** Windows whose renderer already had its chance to save (they may close now). */
  const saved = new WeakSet<BrowserWindow>();
  let appShown = false;

  const fetchLike: FetchLike = (url, init) => net.fetch(url, init);
  const lifecycle = new LifecycleCoordinator({
    state,
    log,
    newReportId: () => `pc-${randomUUID()}`,
    flush: () => flushStoredOutbox({ state, fetch: fetchLike, log, serverUrlFor: (identity) => currentEmbeddedUrl(identity.serverUrl, status) }),
    renderers: {
      broadcast: (signal) =>
        BrowserWindow.getAllWindows()
          .filter((w) => !w.isDestroyed() && !w.webContents.isCrashed())
          .map((w) => {
            w.webContents.send(eventChannel('lifecycle'), signal);
            return w.webContents.id;
          }),
    },
  });

  const router = createIpcRouter({
    log,
    isTrustedSender: (url) => isTrustedFrame(url, appOrigin),
    handlers: platformHandlers({
      state,
      lifecycle,
      info: () => ({
        kind: 'electron',
        launchMode: kioskRun ? 'tv' : 'desktop',
        languages: app.getPreferredSystemLanguages(),
        appVersion: app.getVersion(),
        defaultServerUrl: appOrigin,
      }),
      serverStatus: () => status,
      overrides: () => (kioskActive ? { mode: 'tv' } : {}),
      onSettingsChanged: (prev, next) => {
        // The window follows the new server once it runs (setStatus loads it).
        if (prev.serverUrl !== next.serverUrl && !args.serverUrl) setImmediate(() => void connect());
      },
    }),
  });

  // ------------------------------------------------------------ server

  function setStatus(next: ServerStatus): void {
    const moved = next.url !== status.url;
    status = next;
    refreshMenu();
    if (next.state === 'running' && next.url) {
      appOrigin = httpOrigin(next.url);
      // A restarted server on another port: follow it.
      if (moved && appShown) loadApp();
    }
    if (next.state === 'failed') showPage('The household server could not start', [next.error ?? '', `Log: ${join(paths.userData, 'logs', 'server.log')}`]);
  }

  function openServerLog(): WriteStream {
    const dir = join(paths.userData, 'logs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'server.log');
    if (existsSync(file) && statSync(file).size > 5 * 1024 * 1024) renameSync(file, `${file}.1`);
    return createWriteStream(file, { flags: 'a' });
  }

  async function connect(): Promise<void> {
    const remote = remoteUrl();
    if (remote) {
      await embedded?.stop();
      embedded = null;
      appOrigin = httpOrigin(remote);
      interceptShell();
      setStatus({ mode: 'remote', state: 'running', url: remote, lanUrls: [], error: null });
      return;
    }
    unInterceptShell();
    if (embedded?.status.state === 'running') return;
    serverLog ??= openServerLog();
    const prefs = state.server;
    embedded = new EmbeddedServer({
      fork: (entry, argv) => utilityProcess.fork(entry, argv, { stdio: 'pipe', serviceName: 'Resume Anywhere server' }),
      entry: paths.server,
      dataDir: join(paths.userData, 'server'),
      webDir: paths.webDir,
      mediaDir: paths.mediaDir,
      lanAccess: prefs.lanAccess && !args.noLan,
      preferredPort: prefs.lastPort,
      lanAddresses: () => lanIPv4(networkInterfaces()),
      log,
      onOutput: (line) => serverLog?.write(`${line}\n`),
      onStatus: (s) => setStatus(s),
    });
    showPage('Starting the household server…', ['Resume Anywhere runs the server for your household on this PC.']);
    const s = await embedded.start();
    if (s.state === 'running' && s.url) state.server = { ...state.server, lastPort: portOf(s.url) };
  }

  /** Remote mode: answer the app shell from the packaged renderer so the app starts offline. */
  function interceptShell(): void {
    unInterceptShell();
    if (!appOrigin || !existsSync(join(paths.webDir, 'index.html'))) return;
    const scheme = new URL(appOrigin).protocol.slice(0, -1);
    protocol.handle(scheme, async (req) => {
      const file = appOrigin ? shellFileFor(req.method, req.url, appOrigin, paths.webDir, existsSync) : null;
      if (!file) return net.fetch(req, { bypassCustomProtocolHandlers: true });
      const res = await net.fetch(pathToFileURL(file.path).href);
      const headers = withCsp({ 'content-type': [file.contentType], 'cache-control': ['no-cache'] }, req.url, appOrigin);
      return new Response(res.body, { status: 200, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])) });
    });
    interceptedScheme = scheme;
  }

  function unInterceptShell(): void {
    if (interceptedScheme) protocol.unhandle(interceptedScheme);
    interceptedScheme = null;
  }

  // ------------------------------------------------------------ window

  function showPage(title: string, lines: string[]): void {
    if (win && !win.isDestroyed()) void win.loadURL(statusPage(title, lines)).catch(() => undefined);
  }

  function loadApp(): void {
    if (!win || win.isDestroyed() || !appOrigin) return;
    appShown = true;
    win.loadURL(`${appOrigin}/`).catch((err: unknown) => log.warn(`loading ${appOrigin} failed`, String(err)));
  }

  function setKiosk(on: boolean): void {
    if (!win || win.isDestroyed()) return;
    kioskActive = on;
    win.setKiosk(on);
    if (!on) win.setFullScreen(false);
    void applyKioskCss();
    refreshMenu();
    log.info(on ? `set-top mode (leave with ${KIOSK_EXIT_CHORD})` : 'left set-top mode');
  }

  let kioskCssKey: string | null = null;
  let cssQueue: Promise<void> = Promise.resolve();
  /** Hide or show the cursor to match kiosk mode; serialised, so loads and toggles never race. */
  function applyKioskCss(): Promise<void> {
    cssQueue = cssQueue
      .then(async () => {
        if (!win || win.isDestroyed()) return;
        const wc = win.webContents;
        if (kioskActive && !kioskCssKey) kioskCssKey = await wc.insertCSS(KIOSK_CSS, { cssOrigin: 'user' });
        else if (!kioskActive && kioskCssKey) {
          await wc.removeInsertedCSS(kioskCssKey);
          kioskCssKey = null;
        }
      })
      .catch((err: unknown) => log.warn('kiosk CSS', String(err)));
    return cssQueue;
  }

  function createWindow(): BrowserWindow {
    const w = new BrowserWindow(
      windowOptions({
        mode: kioskActive ? 'kiosk' : 'desktop',
        saved: state.window,
        displays: screen.getAllDisplays(),
        preloadPath: paths.preload,
        ...(existsSync(paths.icon) ? { iconPath: paths.icon } : {}),
      }),
    );
    const wc = w.webContents;
    if (!kioskActive && state.window?.maximized) w.maximize();
    w.once('ready-to-show', () => w.show());

    let saveTimer: ReturnType<typeof setTimeout> | null = null;
    const rememberPlace = () => {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => {
        if (!w.isDestroyed() && !w.isKiosk() && !w.isFullScreen()) state.window = windowStateOf(w.getNormalBounds(), w.isMaximized());
      }, 400);
    };
    w.on('resize', rememberPlace);
    w.on('move', rememberPlace);
    w.on('maximize', rememberPlace);
    w.on('unmaximize', rememberPlace);

    wc.on('before-input-event', (event, input) => {
      if (!kioskActive) return;
      if (isKioskExitChord(input)) {
        event.preventDefault();
        setKiosk(false);
      } else if (isBlockedInKiosk(input)) event.preventDefault();
    });
    wc.on('did-finish-load', () => {
      // Inserted CSS goes with the document it was inserted into.
      cssQueue = cssQueue.then(() => {
        kioskCssKey = null;
      });
      void applyKioskCss();
    });

    const guard = (event: { preventDefault(): void }, url: string) => {
      if (isAllowedNavigation(url, appOrigin)) return;
      event.preventDefault();
      log.warn(`blocked navigation to ${url.slice(0, 200)}`);
    };
    wc.on('will-navigate', (e, url) => guard(e, url));
    wc.on('will-redirect', (e, url) => guard(e, url));
    wc.on('will-attach-webview', (e) => e.preventDefault());
    wc.setWindowOpenHandler(({ url }) => {
      const d = windowOpenDecision(url, appOrigin);
      if (d.openExternally) void shell.openExternal(d.openExternally);
      return { action: 'deny' };
    });
    wc.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === -3 || url.startsWith('data:')) return;
      showPage('Cannot reach the server', [`${url}: ${description}`, 'Check the connection or the server address in Settings, then restart the app.']);
    });
    wc.on('render-process-gone', (_e, details) => {
      if (details.reason === 'clean-exit') return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && (crashes[0] ?? now) < now - 60_000) crashes.shift();
      void lifecycle.crashed(wc.id, details.reason).finally(() => {
        if (w.isDestroyed()) return;
        if (crashes.length > 3) showPage('The player keeps stopping', ['Your place was saved. Restart the app to try again.']);
        else loadApp();
      });
    });

    w.on('close', (event) => {
      if (quitPhase !== 'running') {
        if (quitPhase === 'saving') event.preventDefault();
        return;
      }
      if (saved.has(w)) return;
      event.preventDefault();
      void lifecycle.quit().finally(() => {
        saved.add(w);
        if (!w.isDestroyed()) w.close();
      });
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    return w;
  }

  function refreshMenu(): void {
    if (kioskActive) {
      Menu.setApplicationMenu(null);
      return;
    }
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          appName: app.getName(),
          server: status,
          kioskAtStart: state.launch.kiosk,
          lanAccess: state.server.lanAccess,
          actions: {
            copyText: (text) => clipboard.writeText(text),
            setKioskAtStart: (on) => (state.launch = { ...state.launch, kiosk: on }),
            enterKioskNow: () => {
              // Restart into set-top mode: the quit path saves the breakpoint, the TV UI starts fresh.
              app.relaunch({ args: [...process.argv.slice(1).filter((a) => a !== '--kiosk'), '--kiosk'] });
              app.quit();
            },
            setLanAccess: (on) => {
              state.server = { ...state.server, lanAccess: on };
              void embedded?.stop().then(() => connect());
            },
            openDataFolder: () => void shell.openPath(paths.userData),
            openServerLog: () => void shell.openPath(join(paths.userData, 'logs', 'server.log')),
          },
        }),
      ),
    );
  }

  // ------------------------------------------------------------ app events

  async function shutdown(reason: 'quit' | 'shutdown'): Promise<void> {
    try {
      await lifecycle.quit(reason);
    } catch (err) {
      log.error('saving on quit failed', err);
    } finally {
      await embedded?.stop().catch(() => undefined);
      serverLog?.end();
      quitPhase = 'ready';
      app.quit();
    }
  }

  app.on('before-quit', (event) => {
    if (quitPhase === 'ready') return;
    event.preventDefault();
    if (quitPhase === 'running') {
      quitPhase = 'saving';
      void shutdown('quit');
    }
  });
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  void app.whenReady().then(async () => {
    if (state.upgradeSecrets()) log.info('terminal credential re-encrypted with the OS keychain');
    if (!state.encryptionAvailable) log.warn('no OS keychain: the terminal credential is stored unencrypted (file mode 0600 of userData)');

    const ses = session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders ?? {}, details.url, appOrigin) }));
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl, appOrigin)));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin, appOrigin));
    registerIpc(ipcMain, router);

    powerMonitor.on('suspend', () => void lifecycle.suspend());
    powerMonitor.on('resume', () => void lifecycle.resume());
    // Linux and macOS: preventDefault asks the OS to wait while we save (typed without the event).
    powerMonitor.on('shutdown', (...eventArgs: unknown[]) => {
      (eventArgs[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
      if (quitPhase === 'running') {
        quitPhase = 'saving';
        void shutdown('shutdown');
      }
    });
    app.on('activate', () => {
      if (!win) {
        win = createWindow();
        loadApp();
      }
    });

    refreshMenu();
    win = createWindow();
    await connect();
    loadApp();
    await lifecycle.started();
    if (kioskActive) log.info(`set-top mode: leave with ${KIOSK_EXIT_CHORD}`);
  });
}
