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
 * `PcApp` holds the parts as explicit fields; the mutable facts of a run live inside them
 * (window and mode in AppWindow, server status in ServerConnection, stop phase in StopFlow).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir, networkInterfaces } from 'node:os';
import type * as Electron from 'electron';
import type { ServerStatus } from '../common/ipc.ts';
import { pickLanguage, translator } from '../common/i18n/bundled.ts';
import type { Language } from '../common/platform.ts';
import { eventChannel } from '../common/ipc.ts';
import { AppWindow } from './app-window.ts';
import type { LaunchArgs } from './args.ts';
import { isStartOnBoot, setStartOnBoot, type AutostartDeps } from './autostart.ts';
import { currentEmbeddedUrl, lanIPv4 } from './embedded-server.ts';
import { createIpcRouter, registerIpc, type IpcRouter } from './ipc-router.ts';
import { KIOSK_EXIT_CHORD, kioskAtLaunch } from './kiosk.ts';
import { chooseFfmpeg, type FfmpegChoice } from './ffmpeg-bundle.ts';
import { LibraryControl } from './library.ts';
import { LifecycleCoordinator } from './lifecycle.ts';
import { LocalState, type SafeStorage } from './local-state.ts';
import type { Logger } from './log.ts';
import { openFileLog, type FileLog } from './logging.ts';
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
  'app' | 'BrowserWindow' | 'clipboard' | 'dialog' | 'ipcMain' | 'Menu' | 'net' | 'powerMonitor' | 'powerSaveBlocker' | 'protocol' | 'safeStorage' | 'screen' | 'session' | 'shell' | 'utilityProcess'
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
export function startPcApp(o: PcAppOptions): PcApp {
  const pc = new PcApp(o);
  pc.wireEvents();
  return pc;
}

/** The running app: its parts, each owning one behaviour, and the few facts of this run. */
export class PcApp {
  /** Set-top mode at launch (flag, provisioning or stored setting). */
  readonly kiosk: boolean;
  readonly state: LocalState;
  readonly lifecycle: LifecycleCoordinator;
  readonly stop: StopFlow<Electron.BrowserWindow>;
  readonly server: ServerConnection;
  readonly window: AppWindow;
  readonly screenAwake: ScreenAwake;
  /** The embedded server's media library (Add Folder…, Settings → Library). */
  readonly library: LibraryControl;
  readonly #o: PcAppOptions;
  readonly #e: ElectronApi;
  readonly #log: Logger;
  readonly #storePath: string;
  readonly #serverLog: FileLog;
  readonly #intercept: ShellIntercept;
  readonly #autostart: AutostartDeps;
  readonly #forcedServerUrl: string | null;

  constructor(o: PcAppOptions) {
    const { electron: e, args, provisioning, paths, log } = o;
    this.#o = o;
    this.#e = e;
    this.#log = log;
    const opened = openStore(paths.userData, e.app.getVersion(), o.createStore);
    this.#storePath = opened.store.path;
    if (opened.movedAside) log.warn(`the local store was unreadable; moved to ${opened.movedAside} and started afresh`);
    if (provisioning.problem) log.warn(`provisioning ignored: ${provisioning.problem}`);
    else if (provisioning.source) log.info(`provisioned by ${provisioning.source}`);

    // Set-top decisions before `ready`: Chromium reads these switches at start.
    const storedKiosk = (opened.store.get('launch') as { kiosk: boolean }).kiosk;
    this.kiosk = kioskAtLaunch(args.kiosk || provisioning.config.kiosk === true, storedKiosk);
    if (this.kiosk) {
      // A remote control cannot "click to play".
      e.app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');
      // Never a keyring that may ask for a password on a TV (Linux: gnome-keyring/kwallet unlock prompts).
      e.app.commandLine.appendSwitch('password-store', 'basic');
    }
    this.state = new LocalState(opened.store, this.kiosk ? NO_KEYRING : e.safeStorage, log, Date.now, { forgetUndecryptable: !this.kiosk });
    this.#forcedServerUrl = args.serverUrl ?? provisioning.config.serverUrl ?? null;
    this.screenAwake = new ScreenAwake(e.powerSaveBlocker);
    this.#serverLog = openFileLog(paths.logs, 'server.log');
    this.#intercept = new ShellIntercept(e.protocol, (input, init) => e.net.fetch(input as string, init), paths.webDir);
    this.lifecycle = this.#createLifecycle();
    this.stop = new StopFlow<Electron.BrowserWindow>({
      lifecycle: this.lifecycle,
      stopServer: () => this.server.stop(),
      finish: () => this.screenAwake.set(false),
      quitApp: () => e.app.quit(),
      log,
    });
    this.server = this.#createServer();
    this.window = this.#createWindow();
    this.library = new LibraryControl({
      state: this.state,
      log,
      status: () => this.server.status,
      serverDataDir: join(paths.userData, 'server'),
      fetch: (url, init) => e.net.fetch(url, init),
      chooseFolders: (options) => {
        const win = this.window.win;
        return win ? e.dialog.showOpenDialog(win, options) : e.dialog.showOpenDialog(options);
      },
      showError: (title, detail) => {
        const win = this.window.win;
        const options = { type: 'warning' as const, message: title, detail, buttons: [translator(this.language())('pc.dialog.ok')] };
        void (win ? e.dialog.showMessageBox(win, options) : e.dialog.showMessageBox(options));
      },
      t: () => translator(this.language()),
    });
    this.#autostart = {
      platform: process.platform,
      env: process.env,
      home: homedir(),
      appId: 'io.github.resume-anywhere.pc',
      command: { executable: process.env.APPIMAGE ?? process.execPath, args: e.app.isPackaged ? [] : [e.app.getAppPath()] },
      writeFile: (p, text, mode) => writeFileSync(p, text, { mode }),
      removeFile: (p) => rmSync(p, { force: true }),
      exists: existsSync,
      mkdir: (p) => void mkdirSync(p, { recursive: true }),
      setLoginItemSettings: (st) => e.app.setLoginItemSettings(st),
    };
  }

  #createLifecycle(): LifecycleCoordinator {
    const e = this.#e;
    const fetchLike: FetchLike = (url, init) => e.net.fetch(url, init);
    return new LifecycleCoordinator({
      state: this.state,
      log: this.#log,
      newReportId: () => `pc-${randomUUID()}`,
      flush: () => flushStoredOutbox({ state: this.state, fetch: fetchLike, log: this.#log, serverUrlFor: (identity) => currentEmbeddedUrl(identity.serverUrl, this.server.status) }),
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
  }

  #createServer(): ServerConnection {
    return new ServerConnection({
      state: this.state,
      log: this.#log,
      fork: (entry, argv) => this.#e.utilityProcess.fork(entry, argv, { stdio: 'pipe', serviceName: 'Resume Anywhere server', env: { ...process.env, ...this.#ffmpeg().env } }),
      paths: this.#o.paths,
      forcedServerUrl: this.#forcedServerUrl,
      noLan: this.#o.args.noLan,
      lanAddresses: () => lanIPv4(networkInterfaces()),
      serverLog: this.#serverLog,
      intercept: this.#intercept,
      onStarting: () => this.window.showPage((t) => ({ title: t('pc.page.starting.title'), lines: [t('pc.page.starting.lead')] })),
      onStatus: (status: ServerStatus, moved) => {
        this.refreshMenu();
        // A restarted server on another port: follow it.
        if (status.state === 'running' && moved && this.window.appShown) this.window.loadApp();
        if (status.state === 'failed') {
          this.window.showPage((t) => ({ title: t('pc.page.failed.title'), lines: [status.error ?? '', t('pc.page.log', { path: this.#serverLog.path })] }));
        }
      },
    });
  }

  #createWindow(): AppWindow {
    const e = this.#e;
    const icon = this.#o.paths.icon;
    return new AppWindow(
      {
        createBrowserWindow: (options) => new e.BrowserWindow(options),
        displays: () => e.screen.getAllDisplays(),
        state: this.state,
        log: this.#log,
        lifecycle: {
          // A renderer that crashed mid-programme reloads to the home screen: nothing plays any
          // more, so the screen may sleep again (its position reports were the only thing to say so).
          crashed: (senderId, reason) => {
            this.screenAwake.set(false);
            return this.lifecycle.crashed(senderId, reason);
          },
          // Leaving set-top mode: the replacing window starts at the home screen.
          quit: (reason) => this.lifecycle.quit(reason).finally(() => this.screenAwake.set(false)),
        },
        stop: this.stop,
        paths: { preload: this.#o.paths.preload, icon: existsSync(icon) ? icon : null },
        origin: () => this.server.origin,
        language: () => this.language(),
        beforeLoad: (origin) => {
          if (this.server.status.mode === 'remote') this.#intercept.arm(origin);
        },
        afterLoad: () => this.#intercept.disarm(),
        openExternal: (url) => void e.shell.openExternal(url),
        onModeChange: () => this.refreshMenu(),
        relaunch: () => this.relaunch('the set-top renderer keeps crashing'),
        onShown: () => this.#log.info('window shown'),
      },
      this.kiosk,
    );
  }

  /**
   * The app's language: the renderer's language setting (stored by main, so main knows it), else
   * the OS's preferred languages, else Electron's locale.
   */
  language(): Language {
    const chosen = this.state.loadSettings().language;
    if (chosen) return chosen;
    const { app } = this.#e;
    return pickLanguage([...app.getPreferredSystemLanguages(), app.getLocale()]);
  }

  #ffmpegChoice: FfmpegChoice | null = null;

  /** The media library's ffmpeg: bundled, else PATH, else none (logged once, plainly). */
  #ffmpeg(): FfmpegChoice {
    if (!this.#ffmpegChoice) {
      const { app } = this.#e;
      this.#ffmpegChoice = chooseFfmpeg({ platform: process.platform, arch: process.arch, packaged: app.isPackaged, resourcesPath: process.resourcesPath ?? '', appPath: app.getAppPath(), pathEnv: process.env.PATH ?? '' });
      (this.#ffmpegChoice.source === 'none' ? this.#log.warn : this.#log.info).call(this.#log, this.#ffmpegChoice.message);
    }
    return this.#ffmpegChoice;
  }

  /** Whether the OS starts the app at login. */
  startsOnBoot(): boolean {
    return isStartOnBoot(this.#autostart, () => this.#e.app.getLoginItemSettings().openAtLogin);
  }

  /** Install or remove the OS's autostart entry (set-top runs through the relaunching launcher). */
  setStartOnBoot(on: boolean): void {
    try {
      const where = setStartOnBoot(this.#autostart, on, this.kiosk || this.state.launch.kiosk);
      this.#log.info(`start on boot ${on ? 'on' : 'off'} (${where})`);
    } catch (err) {
      this.#log.warn('start on boot could not be changed', String(err));
    }
    this.refreshMenu();
  }

  /**
   * Start the app again (set-top mode only: nobody is there to do it). Under the start-on-boot
   * supervisor the app only exits with an error and the supervisor starts it: a relaunched copy
   * would hold the single-instance lock outside it, the supervisor's own start would hand over to
   * that copy and end, and the next crash would stay down.
   */
  relaunch(why: string): void {
    this.#log.error(`restarting the app: ${why}${this.#o.args.supervised ? ' (by the start-on-boot supervisor)' : ''}`);
    if (!this.#o.args.supervised) this.#e.app.relaunch();
    this.#e.app.exit(1);
  }

  /** The IPC handlers, over the state and the parts. */
  #router(): IpcRouter {
    const { app } = this.#e;
    const provisioning = this.#o.provisioning;
    return createIpcRouter({
      log: this.#log,
      isTrustedSender: (url) => isTrustedFrame(url, this.server.origin),
      handlers: platformHandlers({
        state: this.state,
        lifecycle: this.lifecycle,
        info: () => ({
          kind: 'electron',
          // After leaving set-top mode the new desktop window starts the desktop interface.
          launchMode: this.window.kiosk ? 'tv' : 'desktop',
          languages: app.getPreferredSystemLanguages(),
          appVersion: app.getVersion(),
          defaultServerUrl: this.server.origin,
          ...(provisioning.config.terminal ? { terminal: provisioning.config.terminal } : {}),
        }),
        serverStatus: () => this.server.status,
        overrides: () => ({ ...(this.window.kiosk ? { mode: 'tv' as const } : {}), ...provisioning.locked }),
        locked: () => Object.keys(provisioning.locked).concat(this.#forcedServerUrl ? ['serverUrl'] : []),
        onSettingsChanged: (prev, next) => {
          // The window follows the new server once it runs (onStatus loads it).
          if (prev.serverUrl !== next.serverUrl && !this.#forcedServerUrl) setImmediate(() => void this.server.connect());
          // Menus and main's pages follow the app's language setting at once.
          if (prev.language !== next.language) {
            this.refreshMenu();
            this.window.relocalize();
          }
        },
        onPlayback: (position) => this.screenAwake.follow(position),
        library: this.library,
      }),
    });
  }

  /** The application menu (none in set-top mode). */
  refreshMenu(): void {
    const e = this.#e;
    if (this.window.kiosk) {
      e.Menu.setApplicationMenu(null);
      return;
    }
    const { paths, provisioning } = this.#o;
    const template = menuTemplate({
      isMac: process.platform === 'darwin',
      appName: e.app.getName(),
      t: translator(this.language()),
      server: this.server.status,
      kioskAtStart: this.state.launch.kiosk,
      lanAccess: this.state.server.lanAccess,
      startOnBoot: this.startsOnBoot(),
      logFolder: paths.logs,
      provisioned: provisioning.source !== null && provisioning.problem === null,
      actions: {
        copyText: (text) => void copyToClipboard(e.clipboard, text, this.#log),
        setKioskAtStart: (on) => (this.state.launch = { ...this.state.launch, kiosk: on }),
        enterKioskNow: () => {
          // Restart into set-top mode: the quit path saves the breakpoint, the TV UI starts fresh.
          e.app.relaunch({ args: [...process.argv.slice(1).filter((a) => a !== '--kiosk'), '--kiosk'] });
          e.app.quit();
        },
        setLanAccess: (on) => void this.server.setLanAccess(on),
        openDataFolder: () => void e.shell.openPath(paths.userData),
        openServerLog: () => void e.shell.openPath(this.#serverLog.path),
        openLogFolder: () => void e.shell.openPath(paths.logs),
        setStartOnBoot: (on) => this.setStartOnBoot(on),
        addLibraryFolder: () => void this.library.menuAddFolder(),
      },
    });
    e.Menu.setApplicationMenu(e.Menu.buildFromTemplate(template));
  }

  /** Connect Electron's events to the parts; the rest happens once Electron is ready. */
  wireEvents(): void {
    const { app } = this.#e;
    if (this.kiosk) {
      // A set-top box has nobody to restart it: an uncaught error in main starts the app again.
      const onUncaught = (err: Error) => {
        this.#log.error('uncaught error in the main process', err);
        this.relaunch('uncaught error');
      };
      process.on('uncaughtException', onUncaught);
      app.on('will-quit', () => process.off('uncaughtException', onUncaught));
    }
    app.on('before-quit', (event) => this.stop.beforeQuit(event));
    app.on('second-instance', () => this.window.focus());
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('web-contents-created', (_e, contents) => {
      contents.on('will-attach-webview', (ev) => ev.preventDefault());
    });
    void app.whenReady().then(() => this.#ready());
  }

  async #ready(): Promise<void> {
    const e = this.#e;
    const { provisioning } = this.#o;
    if (this.state.upgradeSecrets()) this.#log.info('terminal credential re-encrypted with the OS keychain');
    if (!this.state.encryptionAvailable) {
      this.#log.warn(`${this.kiosk ? 'set-top mode: no keyring is used' : 'no OS keychain'}: the terminal credential is stored unencrypted in ${this.#storePath} (file mode 0600)`);
    }
    const ses = e.session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders ?? {}, details.url, this.server.origin) }));
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl, this.server.origin)));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin, this.server.origin));
    registerIpc(e.ipcMain, this.#router());

    e.powerMonitor.on('suspend', () => void this.lifecycle.suspend());
    e.powerMonitor.on('resume', () => void this.lifecycle.resume());
    // Linux and macOS: preventDefault asks the OS to wait while we save (typed without the event).
    e.powerMonitor.on('shutdown', (...eventArgs: unknown[]) => this.stop.osShutdown(eventArgs[0] as { preventDefault(): void } | undefined));
    e.app.on('activate', () => {
      if (!this.window.win) {
        this.window.open();
        this.window.loadApp();
      }
    });
    if (provisioning.config.startOnBoot !== undefined && provisioning.problem === null && this.startsOnBoot() !== provisioning.config.startOnBoot) {
      this.setStartOnBoot(provisioning.config.startOnBoot);
    }
    this.refreshMenu();
    this.window.open();
    await this.server.connect();
    this.window.loadApp();
    await this.lifecycle.started();
    if (this.kiosk) this.#log.info(`set-top mode: leave with ${KIOSK_EXIT_CHORD}`);
  }
}
