/**
 * The PC app: builds the parts beside this file from Electron's APIs and wires Electron's
 * events to them. Each behaviour has one owner:
 *
 *   main/server-connection.ts  household server or remote server, status, shell interceptor
 *   main/app-window.ts         the window, set-top mode (and leaving it), crashes, session end
 *   main/stop-flow.ts          every way of stopping → save the breakpoint → quit
 *   main/lifecycle.ts          asking the renderer, recording and uploading the breakpoint
 *   main/power-save.ts         the screen stays on while a programme plays
 *   main/provisioning.ts       the fleet config file;  main/autostart.ts  start on boot
 *   main/logging.ts            rotating log files in the OS log folder
 *
 * Start: store (schema, migrations, 0600) → provisioning → set-top decisions that must precede
 * `ready` (autoplay, no keyring) → ready → session security → IPC → server → window → outbox.
 * The few mutable facts of a run live in the objects above, not in shared closures.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import type * as Electron from 'electron';
import type { ServerStatus } from '../common/ipc.ts';
import { eventChannel } from '../common/ipc.ts';
import { AppWindow } from './app-window.ts';
import type { LaunchArgs } from './args.ts';
import { isStartOnBoot, setStartOnBoot, type AutostartDeps } from './autostart.ts';
import { currentEmbeddedUrl, lanIPv4 } from './embedded-server.ts';
import { createIpcRouter, registerIpc } from './ipc-router.ts';
import { KIOSK_EXIT_CHORD, kioskAtLaunch } from './kiosk.ts';
import { LifecycleCoordinator } from './lifecycle.ts';
import { LocalState, type SafeStorage } from './local-state.ts';
import type { Logger } from './log.ts';
import { openFileLog } from './logging.ts';
import { menuTemplate } from './menu.ts';
import { platformHandlers } from './platform-handlers.ts';
import { ScreenAwake } from './power-save.ts';
import type { Provisioning } from './provisioning.ts';
import { flushStoredOutbox, type FetchLike } from './report-sender.ts';
import { isPermissionAllowed, isTrustedFrame, withCsp } from './security.ts';
import { ServerConnection, ShellIntercept } from './server-connection.ts';
import { StopFlow } from './stop-flow.ts';
import { openStore, type StoreBackend, type StoreOptions } from './store-open.ts';

/** The parts of the electron module the app uses. */
export type ElectronApi = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'clipboard' | 'ipcMain' | 'Menu' | 'net' | 'powerMonitor' | 'powerSaveBlocker' | 'protocol' | 'safeStorage' | 'screen' | 'session' | 'shell' | 'utilityProcess'
>;

/** Where the app's files are. */
export interface AppPaths {
  preload: string;
  server: string;
  webDir: string;
  mediaDir: string;
  icon: string;
  userData: string;
  logs: string;
}

/** What starting the app needs. */
export interface PcAppOptions {
  electron: ElectronApi;
  args: LaunchArgs;
  provisioning: Provisioning;
  paths: AppPaths;
  log: Logger;
  /** electron-store's constructor. */
  createStore: (options: StoreOptions) => StoreBackend;
}

/** A safeStorage that is never used: set-top mode keeps the credential in the 0600 store file. */
const NO_KEYRING: SafeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: () => {
    throw new Error('no keyring in set-top mode');
  },
  decryptString: () => {
    throw new Error('set-top mode uses no keyring; the desktop identity stays stored for desktop runs');
  },
};

/**
 * Copy text. Since Electron 44 `clipboard.writeText` returns a promise; a refusal (no clipboard
 * owner on a bare X server, a denied portal) is logged, never an unhandled rejection.
 */
export async function copyToClipboard(clipboard: { writeText(text: string): Promise<void> | void }, text: string, log: Logger): Promise<boolean> {
  try {
    await clipboard.writeText(text);
    return true;
  } catch (err) {
    log.warn('copying to the clipboard failed', String(err));
    return false;
  }
}

/** Start the PC app (call once, with the single-instance lock held). */
export function startPcApp(o: PcAppOptions): void {
  const { electron: e, args, provisioning, paths, log } = o;
  const { app } = e;
  const opened = openStore(paths.userData, app.getVersion(), o.createStore);
  if (opened.movedAside) log.warn(`the local store was unreadable; moved to ${opened.movedAside} and started afresh`);
  if (provisioning.problem) log.warn(`provisioning ignored: ${provisioning.problem}`);
  else if (provisioning.source) log.info(`provisioned by ${provisioning.source}`);

  // Set-top decisions before `ready`: Chromium reads these switches at start.
  const storedKiosk = (opened.store.get('launch') as { kiosk: boolean }).kiosk;
  const kiosk = kioskAtLaunch(args.kiosk || provisioning.config.kiosk === true, storedKiosk);
  if (kiosk) {
    // A remote control cannot "click to play".
    app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');
    // Never a keyring that may ask for a password on a TV (Linux: gnome-keyring/kwallet unlock prompts).
    app.commandLine.appendSwitch('password-store', 'basic');
  }
  const state = new LocalState(opened.store, kiosk ? NO_KEYRING : e.safeStorage, log, Date.now, { forgetUndecryptable: !kiosk });
  const forcedServerUrl = args.serverUrl ?? provisioning.config.serverUrl ?? null;

  const screenAwake = new ScreenAwake(e.powerSaveBlocker);
  const serverLog = openFileLog(paths.logs, 'server.log');
  const intercept = new ShellIntercept(e.protocol, (input, init) => e.net.fetch(input as string, init), paths.webDir);
  const fetchLike: FetchLike = (url, init) => e.net.fetch(url, init);

  const lifecycle = new LifecycleCoordinator({
    state,
    log,
    newReportId: () => `pc-${randomUUID()}`,
    flush: () => flushStoredOutbox({ state, fetch: fetchLike, log, serverUrlFor: (identity) => currentEmbeddedUrl(identity.serverUrl, server.status) }),
    renderers: {
      broadcast: (signal) =>
        e.BrowserWindow.getAllWindows()
          .filter((w) => !w.isDestroyed() && !w.webContents.isCrashed())
          .map((w) => {
            w.webContents.send(eventChannel('lifecycle'), signal);
            return w.webContents.id;
          }),
    },
  });

  const stop = new StopFlow<Electron.BrowserWindow>({
    lifecycle,
    stopServer: () => server.stop(),
    finish: () => screenAwake.set(false),
    quitApp: () => app.quit(),
    log,
  });

  const server: ServerConnection = new ServerConnection({
    state,
    log,
    fork: (entry, argv) => e.utilityProcess.fork(entry, argv, { stdio: 'pipe', serviceName: 'Resume Anywhere server' }),
    paths,
    forcedServerUrl,
    noLan: args.noLan,
    lanAddresses: () => lanIPv4(networkInterfaces()),
    serverLog,
    intercept,
    onStarting: () => window.showPage('Starting the household server…', ['Resume Anywhere runs the server for your household on this PC.']),
    onStatus: (status: ServerStatus, moved) => {
      refreshMenu();
      // A restarted server on another port: follow it.
      if (status.state === 'running' && moved && window.appShown) window.loadApp();
      if (status.state === 'failed') window.showPage('The household server could not start', [status.error ?? '', `Log: ${serverLog.path}`]);
    },
  });

  const window = new AppWindow(
    {
      createBrowserWindow: (options) => new e.BrowserWindow(options),
      displays: () => e.screen.getAllDisplays(),
      state,
      log,
      lifecycle,
      stop,
      paths: { preload: paths.preload, icon: existsSync(paths.icon) ? paths.icon : null },
      origin: () => server.origin,
      beforeLoad: (origin) => {
        if (server.status.mode === 'remote') intercept.arm(origin);
      },
      afterLoad: () => intercept.disarm(),
      openExternal: (url) => void e.shell.openExternal(url),
      onModeChange: () => refreshMenu(),
      relaunch: () => relaunch('the set-top renderer keeps crashing'),
      onShown: () => log.info('window shown'),
    },
    kiosk,
  );

  const autostart: AutostartDeps = {
    platform: process.platform,
    env: process.env,
    home: homedir(),
    appId: 'io.github.resume-anywhere.pc',
    command: { executable: process.env.APPIMAGE ?? process.execPath, args: app.isPackaged ? [] : [app.getAppPath()] },
    writeFile: (p, text, mode) => writeFileSync(p, text, { mode }),
    removeFile: (p) => rmSync(p, { force: true }),
    exists: existsSync,
    mkdir: (p) => void mkdirSync(p, { recursive: true }),
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
  };
  const startOnBoot = (on: boolean) => {
    try {
      const where = setStartOnBoot(autostart, on, kiosk || state.launch.kiosk);
      log.info(`start on boot ${on ? 'on' : 'off'} (${where})`);
    } catch (err) {
      log.warn('start on boot could not be changed', String(err));
    }
    refreshMenu();
  };

  /** Start the app again (set-top mode only: nobody is there to do it). */
  function relaunch(why: string): void {
    log.error(`restarting the app: ${why}`);
    app.relaunch();
    app.exit(1);
  }

  const router = createIpcRouter({
    log,
    isTrustedSender: (url) => isTrustedFrame(url, server.origin),
    handlers: platformHandlers({
      state,
      lifecycle,
      info: () => ({
        kind: 'electron',
        launchMode: kiosk ? 'tv' : 'desktop',
        languages: app.getPreferredSystemLanguages(),
        appVersion: app.getVersion(),
        defaultServerUrl: server.origin,
        ...(provisioning.config.terminal ? { terminal: provisioning.config.terminal } : {}),
      }),
      serverStatus: () => server.status,
      overrides: () => ({ ...(window.kiosk ? { mode: 'tv' as const } : {}), ...provisioning.locked }),
      locked: () => Object.keys(provisioning.locked).concat(forcedServerUrl ? ['serverUrl'] : []),
      onSettingsChanged: (prev, next) => {
        // The window follows the new server once it runs (onStatus loads it).
        if (prev.serverUrl !== next.serverUrl && !forcedServerUrl) setImmediate(() => void server.connect());
      },
      onPlayback: (position) => screenAwake.follow(position),
    }),
  });

  function refreshMenu(): void {
    if (window.kiosk) {
      e.Menu.setApplicationMenu(null);
      return;
    }
    e.Menu.setApplicationMenu(
      e.Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          appName: app.getName(),
          server: server.status,
          kioskAtStart: state.launch.kiosk,
          lanAccess: state.server.lanAccess,
          startOnBoot: isStartOnBoot(autostart, () => app.getLoginItemSettings().openAtLogin),
          logFolder: paths.logs,
          provisioned: provisioning.source !== null && provisioning.problem === null,
          actions: {
            // Electron 44+: a promise; a denied clipboard must not become an unhandled rejection.
            copyText: (text) => void copyToClipboard(e.clipboard, text, log),
            setKioskAtStart: (on) => (state.launch = { ...state.launch, kiosk: on }),
            enterKioskNow: () => {
              // Restart into set-top mode: the quit path saves the breakpoint, the TV UI starts fresh.
              app.relaunch({ args: [...process.argv.slice(1).filter((a) => a !== '--kiosk'), '--kiosk'] });
              app.quit();
            },
            setLanAccess: (on) => void server.setLanAccess(on),
            openDataFolder: () => void e.shell.openPath(paths.userData),
            openServerLog: () => void e.shell.openPath(serverLog.path),
            openLogFolder: () => void e.shell.openPath(paths.logs),
            setStartOnBoot: startOnBoot,
          },
        }),
      ),
    );
  }

  // ------------------------------------------------------------ events

  if (kiosk) {
    // A set-top box has nobody to restart it: an uncaught error in main starts the app again.
    const onUncaught = (err: Error) => {
      log.error('uncaught error in the main process', err);
      relaunch('uncaught error');
    };
    process.on('uncaughtException', onUncaught);
    app.on('will-quit', () => process.off('uncaughtException', onUncaught));
  }
  app.on('before-quit', (event) => stop.beforeQuit(event));
  app.on('second-instance', () => window.focus());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });

  void app.whenReady().then(async () => {
    if (state.upgradeSecrets()) log.info('terminal credential re-encrypted with the OS keychain');
    if (!state.encryptionAvailable) {
      log.warn(`${kiosk ? 'set-top mode: no keyring is used' : 'no OS keychain'}: the terminal credential is stored unencrypted in ${opened.store.path} (file mode 0600)`);
    }
    const ses = e.session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders ?? {}, details.url, server.origin) }));
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl, server.origin)));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin, server.origin));
    registerIpc(e.ipcMain, router);

    e.powerMonitor.on('suspend', () => void lifecycle.suspend());
    e.powerMonitor.on('resume', () => void lifecycle.resume());
    // Linux and macOS: preventDefault asks the OS to wait while we save (typed without the event).
    e.powerMonitor.on('shutdown', (...eventArgs: unknown[]) => stop.osShutdown(eventArgs[0] as { preventDefault(): void } | undefined));
    app.on('activate', () => {
      if (!window.win) {
        window.open();
        window.loadApp();
      }
    });
    if (provisioning.config.startOnBoot !== undefined && provisioning.problem === null) {
      const installed = isStartOnBoot(autostart, () => app.getLoginItemSettings().openAtLogin);
      if (installed !== provisioning.config.startOnBoot) startOnBoot(provisioning.config.startOnBoot);
    }

    refreshMenu();
    window.open();
    await server.connect();
    window.loadApp();
    await lifecycle.started();
    if (kiosk) log.info(`set-top mode: leave with ${KIOSK_EXIT_CHORD}`);
  });
}
